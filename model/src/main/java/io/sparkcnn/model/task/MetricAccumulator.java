package io.sparkcnn.model.task;

/**
 * A task's running metrics over batches of raw network outputs. Accumulators of the same
 * task merge (batches, then executors), and travel as a plain long[] ({@link #toLongs},
 * {@link TrainingTask#metricsFromLongs}) — no Java serialization.
 */
public interface MetricAccumulator {
    /** Target floats per example that {@link #add} reads. */
    int targetsPerExample();

    /**
     * Scores rows examples: raw outputs from outputs[outOff] (rows * output size floats),
     * targets from targets[targetOff] (rows * targetsPerExample floats).
     */
    void add(float[] outputs, int outOff, float[] targets, int targetOff, int rows);

    /** Adds another accumulator of the same task and shape into this one. */
    void merge(MetricAccumulator other);

    /** Positions scored so far (examples, or pixels not ignored). */
    long count();

    /** The whole state as longs (doubles as their raw bits), for {@link TrainingTask#metricsFromLongs}. */
    long[] toLongs();
}
