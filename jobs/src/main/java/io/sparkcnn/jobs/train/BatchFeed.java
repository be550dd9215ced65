package io.sparkcnn.jobs.train;

/** One worker's minibatches, addressed by (epoch, step inside the epoch): no hidden position to lose. */
public interface BatchFeed extends AutoCloseable {
    /** Fills inputs (batch * inputSize) and targets (batch * the task's target floats: a class index, a mask) for that minibatch. */
    void fill(long epoch, long step, float[] inputs, float[] targets);

    /** Lets go of what the feed holds (its block of rows) when the executor's pool evicts it. */
    @Override
    default void close() {}
}
