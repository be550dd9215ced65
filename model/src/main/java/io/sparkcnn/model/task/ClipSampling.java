package io.sparkcnn.model.task;

import io.sparkcnn.model.augment.PairGeometry;
import io.sparkcnn.model.augment.PairedTransform;

import java.util.SplittableRandom;

/**
 * Which stored frames make a clip of the network's T frames: frames start, start + s, ...,
 * start + (T-1)s of the stored ones. The stride s is frameStride, or the largest stride that
 * still fits when the stored clip is too short for it (down to 1); a stored clip of fewer than
 * T frames cannot make a clip and is refused naming the example.
 *
 * <p>Training draws the start uniformly over the positions that fit (randomStart), or takes the
 * centred one. Evaluation's clips are fixed: clip j of N starts at round(j * (F - span) / (N - 1))
 * for F stored frames and a span of (T-1)s + 1 (N = 1: the centred clip), so N clips spread evenly
 * from the first frame to the last.
 */
public record ClipSampling(int clipFrames, int frameStride, boolean randomStart) {

    public ClipSampling {
        if (clipFrames < 1) throw new IllegalArgumentException("a clip needs 1 or more frames, got " + clipFrames);
        if (frameStride < 1) throw new IllegalArgumentException("the frame stride must be 1 or more, got " + frameStride);
    }

    /** The stride used for a stored clip of this many frames (checked: stored >= clipFrames). */
    public int stride(String key, int stored) {
        requireFrames(key, stored);
        if (clipFrames == 1) return 1;
        return Math.min(frameStride, (stored - 1) / (clipFrames - 1));
    }

    /** Frames covered from the first sampled to the last. */
    public int span(int stride) { return (clipFrames - 1) * stride + 1; }

    /** A training clip's first frame: uniform over the starts that fit, or the centred one. */
    public int start(String key, int stored, int stride, SplittableRandom rng) {
        int room = stored - span(stride);
        return randomStart ? rng.nextInt(room + 1) : room / 2;
    }

    /** Evaluation clip j of clips: evenly spaced starts, the first at frame 0 and the last ending at the last frame. */
    public int evalStart(String key, int stored, int stride, int j, int clips) {
        int room = stored - span(stride);
        if (clips == 1) return room / 2;
        return (int) Math.round((double) j * room / (clips - 1));
    }

    public void requireFrames(String key, int stored) {
        if (stored < clipFrames) {
            throw new BadExampleException(key, "holds " + stored + " frames, fewer than the " + clipFrames
                    + " the network's input takes (model.input's T)");
        }
    }

    /**
     * The clip's frames start, start + stride, ... of the stored (C,F,H,W) floats, each frame through
     * the same geometry g (one crop, one flip for the whole clip), into dst[off] as (C,T,cropH,cropW).
     */
    public void extract(Example e, int start, int stride, PairGeometry g, float[] dst, int off) {
        int plane = e.planeSize(), out = g.cropWidth() * g.cropHeight(), f = e.frames();
        for (int c = 0; c < e.channels(); c++) {
            for (int t = 0; t < clipFrames; t++) {
                int src = (c * f + start + t * stride) * plane;
                PairedTransform.image(g, e.pixels(), src, 1, dst, off + (c * clipFrames + t) * out, 0f);
            }
        }
    }
}
