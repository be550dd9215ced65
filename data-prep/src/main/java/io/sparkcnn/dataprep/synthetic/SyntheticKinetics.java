package io.sparkcnn.dataprep.synthetic;

import io.sparkcnn.model.data.IdxReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes a small SYNTHETIC dataset in the exact Kinetics layout (there is no Kinetics on these machines):
 * {@code annotations/train.csv} and {@code annotations/validate.csv} ({@code label,youtube_id,time_start,
 * time_end,split}) and real H.264 MP4 clips {@code <split>/<label_with_underscores>/{youtube_id}_{start:06d}_{end:06d}.mp4},
 * drawn by {@link MotionClipRenderer}: one real Fashion-MNIST garment gliding over a textured, noisy
 * frame. The class is the motion ({@link MotionClasses}: the direction, times the speed when several are
 * asked for), never the garment. Train clips use Fashion-MNIST's training garments, val its test garments.
 *
 * <p>Why one frame cannot beat chance, by construction: frame k of a video is a function of the garment,
 * its tint, the background, the start position p0, frame k's sensor noise and p0 + k v (mod the frame, a
 * torus). All but v are drawn before the class is looked at and independently of it, and p0 is uniform on
 * the torus, so p0 + k v is uniform for every v: the distribution of any one frame is the same for every
 * class. The encoding keeps it so: every frame is an intra frame at one constant quantiser ({@code g=1},
 * {@code qmin=qmax}), so decoded frame k depends on source frame k alone, not on its neighbours' motion.
 * Classes are dealt in turn (clip i has class i mod K), so the splits are balanced.
 *
 * <p>Each clip depends only on (seed, split, index): the same command writes the same bytes.
 * Exit 0 on success, 2 for bad options, an unreadable Fashion-MNIST folder or a failed encode.
 */
@Command(name = "synthetic-kinetics", mixinStandardHelpOptions = true,
        description = "Generate a synthetic dataset in the Kinetics layout: Fashion-MNIST garments whose motion is the class.")
public final class SyntheticKinetics implements Callable<Integer> {
    static final String HEADER = "label,youtube_id,time_start,time_end,split";
    /** Kinetics clips are 10 s cut from a YouTube video. */
    static final int CLIP_SECONDS = 10;
    /** The constant H.264 quantiser of every frame (lower is finer). */
    static final int QP = 20;
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @Mixin
    GeneratorOptions common;
    @Option(names = "--width", defaultValue = "32", description = "frame width in pixels, even (default ${DEFAULT-VALUE})")
    int width;
    @Option(names = "--height", defaultValue = "32", description = "frame height in pixels, even (default ${DEFAULT-VALUE})")
    int height;
    @Option(names = "--frames", defaultValue = "32", description = "frames per clip (default ${DEFAULT-VALUE})")
    int frames;
    @Option(names = "--garment-size", defaultValue = "16", description = "garment side in pixels (default ${DEFAULT-VALUE})")
    int garmentSize;
    @Option(names = "--speeds", defaultValue = "1", split = ",",
            description = "speeds in pixels per frame; classes = 8 directions x speeds (default ${DEFAULT-VALUE})")
    int[] speeds;
    @Option(names = "--train", defaultValue = "2000", description = "train clips (default ${DEFAULT-VALUE})")
    int train;
    @Option(names = "--val", defaultValue = "400", description = "val clips (default ${DEFAULT-VALUE})")
    int val;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // not FFmpeg's stream summary for every clip
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        return new CommandLine(new SyntheticKinetics()).execute(args);
    }

    @Override
    public Integer call() {
        MotionClipRenderer renderer;
        List<MotionClasses.Motion> classes;
        try {
            if (train < 0 || val < 0 || train + val == 0) throw new IllegalArgumentException("--train, --val must be >= 0 and not both 0");
            renderer = new MotionClipRenderer(width, height, frames, garmentSize);
            classes = MotionClasses.of(speeds);
        } catch (IllegalArgumentException e) {
            System.err.println("synthetic-kinetics: " + e.getMessage());
            return 2;
        }
        try {
            Files.createDirectories(common.output.resolve("annotations"));
            Set<String> ids = new HashSet<>();
            if (train > 0) {
                write(renderer, classes, "train", "train.csv", train, IdxReader.readSplit(common.source, "train"), ids);
            }
            if (val > 0) {
                write(renderer, classes, "val", "validate.csv", val, IdxReader.readSplit(common.source, "t10k"), ids);
            }
            Files.writeString(common.output.resolve("SYNTHETIC.txt"), readme(classes), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            System.err.println("synthetic-kinetics: " + e.getMessage());
            return 2;
        }
        System.out.printf(Locale.ROOT, "synthetic-kinetics: %d train, %d val clips of %d frames %dx%d, %d classes, in %s%n",
                train, val, frames, width, height, classes.size(), common.output);
        return 0;
    }

    private void write(MotionClipRenderer renderer, List<MotionClasses.Motion> classes, String split, String csv, int count,
            IdxReader.Labeled garments, Set<String> ids) throws IOException {
        try (Writer out = Files.newBufferedWriter(common.output.resolve("annotations").resolve(csv), StandardCharsets.UTF_8)) {
            out.write(HEADER + "\n");
            for (int i = 0; i < count; i++) {
                Clip c = clip(renderer, classes, split, i, garments, ids);
                Path file = common.output.resolve(c.path());
                Files.createDirectories(file.getParent());
                encode(file, renderer.frames(c.scene(), c.motion().vx(), c.motion().vy()), width, height);
                out.write(String.format(Locale.ROOT, "%s,%s,%d,%d,%s%n", csvField(c.motion().label()), c.youtubeId(), c.start(),
                        c.start() + CLIP_SECONDS, split));
            }
        }
    }

    /** One clip of the dataset: its CSV fields, where it lies, and what it shows. */
    record Clip(String split, String youtubeId, int start, MotionClasses.Motion motion, MotionClipRenderer.Scene scene) {
        String path() {
            return String.format(Locale.ROOT, "%s/%s/%s_%06d_%06d.mp4", split, motion.label().replace(' ', '_'), youtubeId, start,
                    start + CLIP_SECONDS);
        }
    }

    /** Clip {@code index} of the split: the scene is drawn before, and without, its class. */
    Clip clip(MotionClipRenderer renderer, List<MotionClasses.Motion> classes, String split, int index,
            IdxReader.Labeled garments, Set<String> ids) {
        SplittableRandom r = new SplittableRandom(clipSeed(split, index));
        String id = youtubeId(r, ids);
        int start = CLIP_SECONDS * r.nextInt(30);
        MotionClipRenderer.Scene scene = renderer.draw(garments, r.split());
        return new Clip(split, id, start, classes.get(index % classes.size()), scene);
    }

    /** An 11-character id of YouTube's alphabet, unique within the dataset. */
    private static String youtubeId(SplittableRandom r, Set<String> taken) {
        while (true) {
            char[] c = new char[11];
            for (int k = 0; k < c.length; k++) c[k] = ID_CHARS.charAt(r.nextInt(ID_CHARS.length()));
            String id = new String(c);
            if (taken.add(id)) return id;
        }
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * Writes the frames (RGB, HWC) as H.264 in MP4, all intra at constant quantiser {@link #QP}; the frame
     * rate spreads them over the clip's 10 seconds.
     */
    static void encode(Path file, byte[][] frames, int width, int height) throws IOException {
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), width, height, 0)) {
            r.setFormat("mp4");
            r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            r.setFrameRate((double) frames.length / CLIP_SECONDS);
            r.setGopSize(1);
            r.setVideoOption("qmin", Integer.toString(QP));
            r.setVideoOption("qmax", Integer.toString(QP));
            r.start();
            Frame f = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
            ByteBuffer buf = (ByteBuffer) f.image[0];
            for (byte[] px : frames) {
                for (int y = 0; y < height; y++) {
                    buf.position(y * f.imageStride);
                    buf.put(px, y * width * 3, width * 3);
                }
                buf.rewind();
                r.record(f, avutil.AV_PIX_FMT_RGB24);
            }
            r.stop();
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("cannot encode " + file + ": " + e.getMessage(), e);
        }
    }

    private long clipSeed(String split, int index) {
        return new SplittableRandom(common.seed ^ ((long) split.hashCode() << 32) ^ index).nextLong();
    }

    private String readme(List<MotionClasses.Motion> classes) {
        StringBuilder s = new StringBuilder("SYNTHETIC data in the Kinetics layout, not Kinetics: one Fashion-MNIST garment gliding\n"
                + "over a textured, noisy frame (a torus: it wraps at the edges), by io.sparkcnn.dataprep.synthetic.SyntheticKinetics\n"
                + String.format(Locale.ROOT, "(seed %d, %d frames of %dx%d, garment %d px, speeds %s px per frame).%n", common.seed,
                        frames, width, height, garmentSize, Arrays.toString(speeds))
                + "The class is the motion; garment, tint, background and start position are drawn independently of it,\n"
                + "so a single frame tells nothing about the class. Classes (index = sorted label), velocity (x, y) in px per frame:\n");
        for (int i = 0; i < classes.size(); i++) {
            MotionClasses.Motion m = classes.get(i);
            s.append(String.format(Locale.ROOT, "%2d %-32s (%d, %d)%n", i, m.label(), m.vx(), m.vy()));
        }
        return s.toString();
    }
}
