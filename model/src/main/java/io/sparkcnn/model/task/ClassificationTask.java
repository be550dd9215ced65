package io.sparkcnn.model.task;

import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

/**
 * One class per example: C logits out, one float class index as target, softmax
 * cross-entropy, top-1/top-5 and the confusion matrix. The augmentation is the jobs'
 * image-only one (crop, flip), so {@link #augmentation()} leaves examples alone here.
 */
public record ClassificationTask(int classes, int ignoreIndex) implements TrainingTask {

    public ClassificationTask {
        if (classes < 2) throw new IllegalArgumentException("classification needs 2 or more classes, got " + classes);
    }

    public ClassificationTask(int classes) { this(classes, SoftmaxCrossEntropy.NO_IGNORE); }

    /**
     * The task a network was scored as before the task layer: its output's channels are the
     * classes, its softmax cross-entropy's ignore index is honoured.
     */
    public static ClassificationTask of(NetworkSpec spec) {
        Shape out = spec.shapes().get(spec.outputNode().name());
        LossSpec loss = spec.heads().size() == 1 ? spec.loss() : null;
        int ignore = loss instanceof SoftmaxCrossEntropy s ? s.ignoreIndex() : SoftmaxCrossEntropy.NO_IGNORE;
        return new ClassificationTask(out.channels(), ignore);
    }

    @Override
    public Task kind() { return Task.CLASSIFICATION; }

    @Override
    public void checkNetwork(NetworkSpec spec) {
        String last = spec.outputNode().name();
        Shape out = spec.shapes().get(last);
        if (out.channels() != classes) {
            throw ShapeException.at(last, spec.outputNode().spec().type(), "outputs " + out + ", but the task has "
                    + classes + " classes: the last layer must output one score per class");
        }
    }

    @Override
    public LossSpec defaultLoss() { return new SoftmaxCrossEntropy(); }

    @Override
    public int targetSize(Shape output) { return output.spatialSize(); }

    @Override
    public void encodeTarget(Example e, Shape output, float[] dst, int off) {
        if (e.label() < 0 || e.label() >= classes) {
            throw new BadExampleException(e.key(), "label " + e.label() + " is not a class in [0, " + classes + ")");
        }
        if (output.spatialSize() != 1) {
            throw new IllegalArgumentException("a class label is one target, but the network outputs " + output
                    + " (one score map per class); use the segmentation task for per-pixel labels");
        }
        dst[off] = e.label();
    }

    @Override
    public ExampleAugmentation augmentation() { return ExampleAugmentation.NONE; }

    @Override
    public ClassificationMetrics newMetrics(Shape output) {
        return new ClassificationMetrics(output.channels(), output.spatialSize(), ignoreIndex);
    }

    @Override
    public ClassificationMetrics metricsFromLongs(Shape output, long[] state) {
        return ClassificationMetrics.fromLongs(output.channels(), output.spatialSize(), ignoreIndex, state);
    }

    @Override
    public int predictionSize(Shape output) { return output.spatialSize(); }
}
