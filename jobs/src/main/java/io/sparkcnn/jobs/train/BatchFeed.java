package io.sparkcnn.jobs.train;

/** One worker's minibatches, addressed by (epoch, step inside the epoch): no hidden position to lose. */
public interface BatchFeed {
    /** Fills inputs (batch * inputSize) and targets (batch class indices as floats) for that minibatch. */
    void fill(long epoch, long step, float[] inputs, float[] targets);
}
