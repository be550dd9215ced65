package io.sparkcnn.model.task;

import io.sparkcnn.model.augment.PairGeometry;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

/**
 * Video classification: a clip of (C,T,H,W) frames in, one score per class out, the clip's class
 * as target, softmax cross-entropy. Metrics ({@link VideoMetrics}) score every clip alone (clip
 * accuracy) and average the softmax of a video's clipsPerVideo clips (video accuracy); the
 * evaluation feeds each video's clips consecutively ({@link #evalClip}).
 */
public record VideoTask(int classes, int clipsPerVideo, ExampleAugmentation augmentation) implements TrainingTask {

    public VideoTask {
        if (classes < 2) throw new IllegalArgumentException("video classification needs 2 or more classes, got " + classes);
        if (clipsPerVideo < 1) throw new IllegalArgumentException("a video needs 1 or more clips, got " + clipsPerVideo);
        if (augmentation == null) augmentation = ExampleAugmentation.NONE;
    }

    /** One clip per video, no augmentation. */
    public VideoTask(int classes) { this(classes, 1, ExampleAugmentation.NONE); }

    public VideoTask withClipsPerVideo(int n) { return new VideoTask(classes, n, augmentation); }

    public VideoTask withAugmentation(ExampleAugmentation a) { return new VideoTask(classes, clipsPerVideo, a); }

    @Override
    public Task kind() { return Task.VIDEO; }

    /** Input (C,T,H,W) with C = 1 or 3; output one score per class (a global pool before the classifier). */
    @Override
    public void checkNetwork(NetworkSpec spec) {
        Shape in = spec.input();
        if (in.rank() != 4 || (in.channels() != 1 && in.channels() != 3)) {
            throw ShapeException.at(NetworkSpec.INPUT, "input", "is " + in + ", but a video network takes clips of"
                    + " (C, T, H, W) = (channels 1 or 3, frames, height, width)");
        }
        String last = spec.outputNode().name();
        Shape out = spec.shapes().get(last);
        if (out.channels() != classes || out.spatialSize() != 1) {
            throw ShapeException.at(last, spec.outputNode().spec().type(), "outputs " + out + ", but the video task has "
                    + classes + " classes: the last layer must output one score per class for the whole clip");
        }
    }

    @Override
    public LossSpec defaultLoss() { return new SoftmaxCrossEntropy(); }

    @Override
    public int targetSize(Shape output) { return 1; }

    @Override
    public void encodeTarget(Example e, Shape output, float[] dst, int off) {
        if (e.label() < 0 || e.label() >= classes) {
            throw new BadExampleException(e.key(), "label " + e.label() + " is not a class in [0, " + classes + ")");
        }
        dst[off] = e.label();
    }

    @Override
    public VideoMetrics newMetrics(Shape output) { return new VideoMetrics(checkedClasses(output), clipsPerVideo); }

    @Override
    public VideoMetrics metricsFromLongs(Shape output, long[] state) {
        return VideoMetrics.fromLongs(checkedClasses(output), clipsPerVideo, state);
    }

    private int checkedClasses(Shape output) {
        if (output.channels() != classes || output.spatialSize() != 1) {
            throw new IllegalArgumentException("video metrics of " + classes + " classes, but the network outputs " + output);
        }
        return classes;
    }

    @Override
    public int predictionSize(Shape output) { return 1; }

    /**
     * Evaluation clip j of clips of a stored video, fixed: the frames of {@link ClipSampling#evalStart}
     * at the training stride, each frame's centred crop of the network's width x height (no resize,
     * no flip), into dst[off] as (C,T,height,width).
     */
    public static void evalClip(Example e, ClipSampling sampling, int j, int clips, int width, int height,
                                float[] dst, int off) {
        requireFrameSize(e, width, height);
        int stride = sampling.stride(e.key(), e.frames());
        int start = sampling.evalStart(e.key(), e.frames(), stride, j, clips);
        PairGeometry centre = new PairGeometry(e.width(), e.height(), e.width(), e.height(), (e.width() - width) / 2,
                (e.height() - height) / 2, width, height, false);
        sampling.extract(e, start, stride, centre, dst, off);
    }

    /** Frames must be at least the network's input (they are cropped, never padded). */
    static void requireFrameSize(Example e, int width, int height) {
        if (e.width() < width || e.height() < height) {
            throw new BadExampleException(e.key(), "frames are " + e.width() + "x" + e.height() + " (width x height),"
                    + " smaller than the network input " + width + "x" + height + "; store the clips at least that large");
        }
    }
}
