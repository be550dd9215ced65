package io.sparkcnn.jobs.train;

import java.io.Serializable;

/**
 * Where the workers' minibatches come from. Shipped to the executors, where each worker opens
 * its own feed. Every minibatch must be a pure function of (worker, workers, batch, seed,
 * epoch, step): that is what makes a retried task, a resumed run and a fault-free run agree bit
 * for bit.
 */
public interface TrainingSource extends Serializable {
    /** Minibatches per worker per epoch for W workers at this batch size (the same for every worker). */
    long stepsPerEpoch(int workers, int batch);

    /** Opens worker w's feed (on an executor). */
    BatchFeed open(int worker, int workers, int batch, long seed);

    /** Identifies the data (feeds are cached per executor under it). */
    String id();
}
