package io.sparkcnn.jobs.data;

import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.task.BadExampleException;
import io.sparkcnn.model.task.ClipSampling;
import io.sparkcnn.model.task.Example;
import io.sparkcnn.model.task.VideoAugmentation;
import io.sparkcnn.model.task.VideoTask;
import io.sparkcnn.model.tensor.Shape;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Video rows (raw uint8 THWC frames, num_frames of them, each height x width) as clips of the
 * network input (C, T, H, W). Every stored frame is normalised by {@link ImageTransform} (gray when
 * C = 1); training jitters the colours with the same factors for every frame (one seed), then
 * {@link VideoAugmentation} picks T frames (random start, augment.frameStride) and one crop and flip
 * for the whole clip. Evaluation makes clipsPerRow fixed clips per row ({@link VideoTask#evalClip}:
 * evenly spaced, centred crop), written one after the other with the row's label each: a row is a
 * video, its clips the examples the network scores. A payload that is not num_frames raw frames of
 * the row's size fails naming the row.
 */
public final class VideoRows implements RowExamples {
    private static final long serialVersionUID = 1L;

    private final ImageTransform image;
    private final int classes, channels, frames, height, width, frameStride, clipsPerRow;
    private final boolean randomStart, flip;
    private transient VideoTask task;

    /**
     * @param input       the network input (C, T, H, W)
     * @param clipsPerRow 1 for training; evaluation's clips per video (eval.clipsPerVideo)
     */
    public VideoRows(ImageTransform image, int classes, int[] input, int frameStride, boolean randomStart, boolean flip,
                     int clipsPerRow) {
        if (input.length != 4) throw new IllegalArgumentException("a video input is (C, T, H, W), got " + java.util.Arrays.toString(input));
        this.image = image;
        this.classes = classes;
        this.channels = input[0];
        this.frames = input[1];
        this.height = input[2];
        this.width = input[3];
        this.frameStride = frameStride;
        this.randomStart = randomStart;
        this.flip = flip;
        this.clipsPerRow = clipsPerRow;
        task(); // bad settings fail on the driver
    }

    /** The task with this rows' clips per video and training augmentation. */
    public VideoTask task() {
        if (task == null) {
            task = new VideoTask(classes, clipsPerRow, new VideoAugmentation(sampling(), width, height, flip));
        }
        return task;
    }

    public ClipSampling sampling() { return new ClipSampling(frames, frameStride, randomStart); }

    /** Clips (examples) each row makes: 1 in training, eval.clipsPerVideo in evaluation. */
    public int clipsPerRow() { return clipsPerRow; }

    /** Input floats of one clip. */
    public int clipSize() { return channels * frames * height * width; }

    @Override
    public Task kind() { return Task.VIDEO; }

    @Override
    public int inputSize() { return clipsPerRow * clipSize(); }

    @Override
    public int targetSize() { return clipsPerRow; }

    @Override
    public void train(EncodedRows rows, int i, long exampleSeed, float[] inputs, int inOff, float[] targets, int targetOff) {
        Example stored = example(rows, i, img -> image.jitteredNormalised(img, exampleSeed));
        Example clip = task().augmentation().apply(stored, new SplittableRandom(exampleSeed));
        System.arraycopy(clip.pixels(), 0, inputs, inOff, clipSize());
        task().encodeTarget(clip, Shape.of(classes), targets, targetOff);
    }

    @Override
    public void eval(EncodedRows rows, int i, float[] inputs, int inOff, float[] targets, int targetOff) {
        Example stored = example(rows, i);
        ClipSampling s = sampling();
        for (int j = 0; j < clipsPerRow; j++) {
            VideoTask.evalClip(stored, s, j, clipsPerRow, width, height, inputs, inOff + j * clipSize());
            task().encodeTarget(stored, Shape.of(classes), targets, targetOff + j);
        }
    }

    /** Row i as stored: every frame normalised, (C, num_frames, h, w). */
    public Example example(EncodedRows rows, int i) { return example(rows, i, image::normalised); }

    private Example example(EncodedRows rows, int i, Function<RgbImage, float[]> normalise) {
        String key = rows.keys[i];
        int f = rows.frames[i], h = rows.heights[i], w = rows.widths[i];
        if (!ShardSchema.ENC_RAW.equals(rows.encodings[i])) {
            throw new BadExampleException(key, "clip payload is '" + rows.encodings[i] + "'; video rows hold raw uint8 THWC frames");
        }
        long frameBytes = 3L * h * w;
        byte[] payload = rows.images[i];
        if (f <= 0 || h <= 0 || w <= 0 || payload == null || payload.length != f * frameBytes) {
            throw new BadExampleException(key, "clip payload does not decode: " + (payload == null ? "no" : payload.length)
                    + " bytes, but num_frames " + f + " raw RGB frames of " + w + "x" + h + " take " + f * frameBytes);
        }
        int plane = h * w, c = image.channels();
        float[] px = new float[c * f * plane];
        for (int t = 0; t < f; t++) {
            byte[] frame = java.util.Arrays.copyOfRange(payload, (int) (t * frameBytes), (int) ((t + 1) * frameBytes));
            float[] planes = normalise.apply(new RgbImage(w, h, frame));
            for (int k = 0; k < c; k++) System.arraycopy(planes, k * plane, px, (k * f + t) * plane, plane);
        }
        return Example.clip(key, c, f, h, w, px, rows.labels[i]);
    }
}
