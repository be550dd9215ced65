package io.sparkcnn.jobs.train;

/** One worker's minibatches, addressed by (epoch, step inside the epoch): no hidden position to lose. */
public interface BatchFeed extends AutoCloseable {
    /** Fills inputs (batch * inputSize) and targets (batch class indices as floats) for that minibatch. */
    void fill(long epoch, long step, float[] inputs, float[] targets);

    /** Lets go of what the feed holds (its block of rows) when the executor's pool evicts it. */
    @Override
    default void close() {}
}
