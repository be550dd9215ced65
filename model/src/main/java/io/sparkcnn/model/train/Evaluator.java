package io.sparkcnn.model.train;

import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.task.ClassificationMetrics;
import io.sparkcnn.model.task.ClassificationTask;
import io.sparkcnn.model.task.MetricAccumulator;
import io.sparkcnn.model.task.TrainingTask;
import io.sparkcnn.model.tensor.Shape;

/**
 * Runs a network over a dataset in its batch size, in inference mode (batch norm on running
 * statistics, no dropout), and hands each batch's raw outputs to a task's
 * {@link MetricAccumulator}. The last partial batch is padded with zero rows whose outputs
 * are ignored; in inference mode examples do not affect each other, so the real rows score
 * as they would in a full batch.
 *
 * <p>{@link #evaluate} is classification scoring (output (N,C,S) against labels (N,S) as
 * float class indices, S = 1 for classification), as before the task layer.
 */
public final class Evaluator {
    private final Network net;
    private final int batch, inputSize;
    private final Shape output;
    private final ClassificationTask classification;
    private final float[] padded;
    private final float[] logits;

    public Evaluator(Network net) {
        this.net = net;
        this.batch = net.batch();
        this.inputSize = net.inputSize();
        this.output = net.spec().shapes().get(net.spec().outputNode().name());
        if (output.channels() < 2) throw new IllegalArgumentException("evaluation needs an output of 2 or more classes, got " + output);
        this.classification = ClassificationTask.of(net.spec());
        this.padded = new float[batch * inputSize];
        this.logits = new float[batch * net.outputSize()];
    }

    /**
     * Scores count examples as a classifier: inputs from inputs[inOff] (count * inputSize
     * floats), labels from labels[labelOff] (count * S floats). Labels equal to the loss's
     * ignore index are skipped; any other label outside [0, C) is an error.
     */
    public Evaluation evaluate(float[] inputs, int inOff, float[] labels, int labelOff, int count) {
        ClassificationMetrics m = classification.newMetrics(output);
        score(m, inputs, inOff, labels, labelOff, count);
        return m.evaluation();
    }

    /** Scores count examples into a new accumulator of the task. */
    public MetricAccumulator evaluate(TrainingTask task, float[] inputs, int inOff, float[] targets, int targetOff, int count) {
        MetricAccumulator m = task.newMetrics(output);
        score(m, inputs, inOff, targets, targetOff, count);
        return m;
    }

    /**
     * Adds count examples into metrics: inputs from inputs[inOff], targets from
     * targets[targetOff] (count * metrics.targetsPerExample() floats).
     */
    public void score(MetricAccumulator metrics, float[] inputs, int inOff, float[] targets, int targetOff, int count) {
        int perExample = metrics.targetsPerExample();
        if (count < 0 || (long) inOff + (long) count * inputSize > inputs.length
                || (long) targetOff + (long) count * perExample > targets.length) {
            throw new IllegalArgumentException(count + " examples do not fit the given arrays (" + inputs.length
                    + " input floats from " + inOff + ", " + targets.length + " label floats from " + targetOff + ")");
        }
        for (int start = 0; start < count; start += batch) {
            int rows = Math.min(batch, count - start);
            int src = inOff + start * inputSize;
            if (rows == batch) {
                net.setInput(inputs, src);
            } else {
                System.arraycopy(inputs, src, padded, 0, rows * inputSize);
                java.util.Arrays.fill(padded, rows * inputSize, padded.length, 0f);
                net.setInput(padded, 0);
            }
            net.forward(false);
            net.readOutput(logits);
            metrics.add(logits, 0, targets, targetOff + start * perExample, rows);
        }
    }
}
