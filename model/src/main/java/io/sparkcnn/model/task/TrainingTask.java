package io.sparkcnn.model.task;

import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.tensor.Shape;

/**
 * Everything that differs between learning tasks, in one place: which networks fit, the
 * loss, the target tensor and how an example becomes it, the augmentation that keeps the
 * target aligned with the image, the metrics, and how raw outputs become predictions. The
 * trainer, evaluator and jobs stay task-blind: they move input floats and target floats.
 */
public interface TrainingTask {
    /** The shard layout this task reads. */
    Task kind();

    /** Classes the network scores (output channels). */
    int classes();

    /**
     * Checks that a network's output fits the task, before any memory is allocated; the
     * error names the layer and the rule it breaks.
     */
    void checkNetwork(NetworkSpec spec);

    /** The loss the task trains with when the network config names none. */
    LossSpec defaultLoss();

    /** The network with the task's loss when it has none; checked by {@link #checkNetwork}. */
    default NetworkSpec prepare(NetworkSpec spec) {
        NetworkSpec s = spec.heads().isEmpty() ? spec.withLoss(defaultLoss()) : spec;
        checkNetwork(s);
        return s;
    }

    /** Target floats per example for a network output of this shape. */
    int targetSize(Shape output);

    /**
     * Writes the example's target (targetSize(output) floats) at dst[off]. Bad targets — a
     * class outside the task, a mask of another size than its image — throw
     * {@link BadExampleException} naming the example.
     */
    void encodeTarget(Example example, Shape output, float[] dst, int off);

    /** The transform that moves the target with the image during training. */
    ExampleAugmentation augmentation();

    /** An empty accumulator for outputs of this shape. */
    MetricAccumulator newMetrics(Shape output);

    /** An accumulator from {@link MetricAccumulator#toLongs()}. */
    MetricAccumulator metricsFromLongs(Shape output, long[] state);

    /** Prediction ints per example: 1 class, or one class per pixel. */
    int predictionSize(Shape output);

    /** Raw outputs (rows examples from outputs[outOff]) -> predicted classes at dst[dstOff]. */
    default void predict(Shape output, float[] outputs, int outOff, int rows, int[] dst, int dstOff) {
        Argmax.channels(outputs, outOff, rows, output.channels(), output.spatialSize(), dst, dstOff);
    }
}
