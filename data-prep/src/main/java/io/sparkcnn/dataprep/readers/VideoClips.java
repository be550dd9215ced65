package io.sparkcnn.dataprep.readers;

import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.data.RgbImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Frames sampled uniformly from one encoded clip with FFmpeg (bytedeco libavcodec: H.264 up to High
 * profile, and whatever else the container holds). Frame i of T is source frame
 * {@code floor((i + 0.5) * N / T)} of the N frames (the centres of T equal segments). Decoding stops after
 * the last sampled frame; only the sampled frames are converted to RGB and resized with the module's
 * {@link ResizePolicy}.
 */
public final class VideoClips {
    static {
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    }

    private VideoClips() {
    }

    /** T frames of {@code height x width} RGB, THWC uint8, and the source frame size. */
    public record Clip(int frames, int width, int height, byte[] pixels, int sourceWidth, int sourceHeight, int sourceFrames) {
    }

    /** Why a clip is refused; {@code stage} goes to the rejects table. */
    public static final class ClipException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String stage;

        ClipException(String stage, String message) {
            super(message);
            this.stage = stage;
        }

        public String stage() {
            return stage;
        }
    }

    /** Source frame indices sampled for T of N frames (uniform, segment centres); requires N >= T. */
    public static int[] indices(int n, int t) {
        int[] idx = new int[t];
        for (int i = 0; i < t; i++) {
            idx[i] = (int) Math.min(n - 1, (long) Math.floor((i + 0.5) * n / t));
        }
        return idx;
    }

    /**
     * Opens the clip, checks its declared size against the limits, and samples {@code t} frames. N is the
     * frame count the container declares (one decoding pass); when it declares none, or the stream ends
     * before N, the frames are counted by decoding and the sampling is redone on the true count.
     */
    public static Clip sample(byte[] bytes, int t, ResizePolicy resize, long maxPixels, int maxSide) throws ClipException {
        if (t <= 0) {
            throw new ClipException("config", "frames must be > 0, got " + t);
        }
        if (bytes.length == 0) {
            throw new ClipException("decode", "zero-byte clip");
        }
        try {
            int n;
            try (FFmpegFrameGrabber g = open(bytes)) {
                int w = g.getImageWidth();
                int h = g.getImageHeight();
                if (!g.hasVideo() || w <= 0 || h <= 0) {
                    throw new ClipException("decode", "no video stream");
                }
                if (w > maxSide || h > maxSide || (long) w * h > maxPixels) {
                    throw new ClipException("limits", "declared size " + w + "x" + h + " is beyond the limit ("
                            + maxSide + " per side, " + maxPixels + " pixels)");
                }
                n = g.getLengthInVideoFrames();
                if (n > 0) {
                    checkLength(n, t);
                    Decoded d = decode(g, t, n, resize);
                    if (d.clip != null) {
                        return d.clip;
                    }
                    n = d.decoded; // stream shorter than declared: count the rest and sample again
                    while (g.grabFrame(false, true, false, false, false) != null) {
                        n++;
                    }
                } else {
                    n = 0;
                    for (Frame f; (f = g.grabFrame(false, true, false, false, false)) != null; ) {
                        n += f.image != null ? 1 : 0;
                    }
                }
            }
            checkLength(n, t);
            try (FFmpegFrameGrabber g = open(bytes)) {
                Decoded d = decode(g, t, n, resize);
                if (d.clip == null) {
                    throw new ClipException("decode", "decoder gave " + d.decoded + " frames on a second pass, " + n + " on the first");
                }
                return d.clip;
            }
        } catch (FrameGrabber.Exception e) {
            // FFmpeg's own text names the in-memory stream object, not the file: say what is wrong instead
            throw new ClipException("decode", "undecodable clip: the video stream is corrupt or ends in the middle of a frame"
                    + " (FFmpeg: " + e.getMessage() + ")");
        }
    }

    private static void checkLength(int n, int t) throws ClipException {
        if (n < t) {
            throw new ClipException("frames", "clip has " + n + " frames, fewer than the " + t + " asked for");
        }
    }

    /** A full clip, or (clip null) the number of frames decoded before the stream ended. */
    private record Decoded(Clip clip, int decoded) {
    }

    private static Decoded decode(FFmpegFrameGrabber g, int t, int n, ResizePolicy resize) throws ClipException, FrameGrabber.Exception {
        int[] want = indices(n, t);
        byte[] out = null;
        int outW = 0;
        int outH = 0;
        int srcW = 0;
        int srcH = 0;
        int k = 0;
        int i = 0;
        for (Frame f; k < t && (f = g.grabFrame(false, true, want[k] == i, false, false)) != null; ) {
            if (f.image == null) {
                continue;
            }
            while (k < t && want[k] == i) {
                RgbImage frame = resize.apply(rgb(f));
                if (out == null) {
                    srcW = f.imageWidth;
                    srcH = f.imageHeight;
                    outW = frame.width();
                    outH = frame.height();
                    out = new byte[t * outW * outH * 3];
                } else if (frame.width() != outW || frame.height() != outH) {
                    throw new ClipException("decode", "frame size changed inside the clip at frame " + i);
                }
                System.arraycopy(frame.pixels(), 0, out, k * outW * outH * 3, outW * outH * 3);
                k++;
            }
            i++;
        }
        return k < t ? new Decoded(null, i) : new Decoded(new Clip(t, outW, outH, out, srcW, srcH, n), i);
    }

    /** A started grabber; a container FFmpeg cannot open is a {@code decode} reject that says so. */
    private static FFmpegFrameGrabber open(byte[] bytes) throws ClipException {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(new ByteArrayInputStream(bytes), bytes.length);
        g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            try {
                g.close();
            } catch (FrameGrabber.Exception | RuntimeException suppressed) {
                // the open failure is what matters
            }
            throw new ClipException("decode", "undecodable clip: not a video container FFmpeg can open (truncated, empty "
                    + "or another format; the file starts with bytes " + leadingBytes(bytes) + ")");
        }
        return g;
    }

    /** The first bytes in hex: enough to tell an HTML error page, a gzip or a cut-off MP4 apart. */
    static String leadingBytes(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }

    /** Copies an RGB24 frame (rows may be padded to {@code imageStride}) to a packed HWC image. */
    private static RgbImage rgb(Frame f) throws ClipException {
        int w = f.imageWidth;
        int h = f.imageHeight;
        // javacv reports stride / width as the channel count, so a narrow frame whose rows are padded to
        // FFmpeg's alignment (32 px RGB24: 96 bytes in a longer row) shows more than 3: check the row instead
        if (f.image[0] == null || f.imageDepth != Frame.DEPTH_UBYTE || f.imageStride < 3 * w || f.imageChannels < 3) {
            throw new ClipException("decode", "frame is not RGB24 (" + f.imageChannels + " channels, stride " + f.imageStride
                    + " for width " + w + ")");
        }
        ByteBuffer b = ((ByteBuffer) f.image[0]).duplicate();
        byte[] p = new byte[w * h * 3];
        int stride = f.imageStride;
        for (int y = 0; y < h; y++) {
            b.position(y * stride);
            b.get(p, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, p);
    }
}
