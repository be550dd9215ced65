package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.ResizePolicy;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides what a prep run writes. Recorded in the manifest; the fields that change
 * row contents ({@link #contentConfig()}) must stay the same across incremental runs of one output.
 */
public record PrepOptions(
        String kind,
        String input,
        String output,
        ResizePolicy resize,
        EncodingPolicy encoding,
        long seed,
        long targetShardBytes,
        double maxRejectFraction,
        long maxPixels,
        int maxSide,
        long maxFileBytes,
        int frames,
        boolean instances) implements Serializable {

    public static final long DEFAULT_SHARD_BYTES = 128L << 20;
    /** Rejects above this fraction of the inputs stop a run (exit 3); {@code --max-reject-fraction}. */
    public static final double DEFAULT_MAX_REJECT_FRACTION = 0.01;

    /** Kinetics defaults (C3D-style input): shorter side 128, centre 112 x 112, raw uint8 frames. */
    public static final ResizePolicy KINETICS_RESIZE = ResizePolicy.centerCrop(128, 112);

    public static PrepOptions defaults(String kind, String input, String output) {
        boolean video = "kinetics".equals(kind);
        return new PrepOptions(kind, input, output, video ? KINETICS_RESIZE : ResizePolicy.KEEP,
                video ? EncodingPolicy.RAW : EncodingPolicy.KEEP, 42L,
                DEFAULT_SHARD_BYTES, DEFAULT_MAX_REJECT_FRACTION, ImageCodec.DEFAULT_MAX_PIXELS, ImageCodec.DEFAULT_MAX_SIDE,
                256L << 20, 16, false);
    }

    public PrepOptions withResize(ResizePolicy r) {
        return new PrepOptions(kind, input, output, r, encoding, seed, targetShardBytes, maxRejectFraction, maxPixels, maxSide, maxFileBytes, frames, instances);
    }

    public PrepOptions withEncoding(EncodingPolicy e) {
        return new PrepOptions(kind, input, output, resize, e, seed, targetShardBytes, maxRejectFraction, maxPixels, maxSide, maxFileBytes, frames, instances);
    }

    public PrepOptions withInput(String in) {
        return new PrepOptions(kind, in, output, resize, encoding, seed, targetShardBytes, maxRejectFraction, maxPixels, maxSide, maxFileBytes, frames, instances);
    }

    public PrepOptions withOutput(String out) {
        return new PrepOptions(kind, input, out, resize, encoding, seed, targetShardBytes, maxRejectFraction, maxPixels, maxSide, maxFileBytes, frames, instances);
    }

    public PrepOptions withTargetShardBytes(long b) {
        return new PrepOptions(kind, input, output, resize, encoding, seed, b, maxRejectFraction, maxPixels, maxSide, maxFileBytes, frames, instances);
    }

    public PrepOptions withMaxRejectFraction(double f) {
        return new PrepOptions(kind, input, output, resize, encoding, seed, targetShardBytes, f, maxPixels, maxSide, maxFileBytes, frames, instances);
    }

    public PrepOptions withLimits(long pixels, int side) {
        return new PrepOptions(kind, input, output, resize, encoding, seed, targetShardBytes, maxRejectFraction, pixels, side, maxFileBytes, frames, instances);
    }

    public PrepOptions withSeed(long s) {
        return new PrepOptions(kind, input, output, resize, encoding, s, targetShardBytes, maxRejectFraction, maxPixels, maxSide, maxFileBytes, frames, instances);
    }

    public PrepOptions withInstances(boolean i) {
        return new PrepOptions(kind, input, output, resize, encoding, seed, targetShardBytes, maxRejectFraction, maxPixels, maxSide, maxFileBytes, frames, i);
    }

    public PrepOptions withFrames(int f) {
        if (f <= 0) {
            throw new IllegalArgumentException("frames must be > 0");
        }
        return new PrepOptions(kind, input, output, resize, encoding, seed, targetShardBytes, maxRejectFraction, maxPixels, maxSide, maxFileBytes, f, instances);
    }

    public ImageCodec codec() {
        return new ImageCodec(maxPixels, maxSide);
    }

    /** Options that change row contents: a run refuses to mix them with an output made with others. */
    public Map<String, String> contentConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("resize", resize.toString());
        m.put("encoding", encoding.toString());
        m.put("seed", Long.toString(seed));
        m.put("maxPixels", Long.toString(maxPixels));
        m.put("maxSide", Integer.toString(maxSide));
        m.put("frames", Integer.toString(frames));
        m.put("instances", Boolean.toString(instances));
        return m;
    }

    /** Everything, for the manifest. */
    public Map<String, String> fullConfig() {
        Map<String, String> m = contentConfig();
        m.put("input", input);
        m.put("output", output);
        m.put("targetShardBytes", Long.toString(targetShardBytes));
        m.put("maxRejectFraction", Double.toString(maxRejectFraction));
        m.put("maxFileBytes", Long.toString(maxFileBytes));
        return m;
    }
}
