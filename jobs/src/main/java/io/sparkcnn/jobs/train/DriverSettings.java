package io.sparkcnn.jobs.train;

/**
 * The parameter-averaging loop's settings (train.* in the job config).
 *
 * @param maxRounds stop once this many rounds are done in total (across resumes); 0 runs every epoch
 */
public record DriverSettings(int workers, int averagingFrequency, Aggregation mode, boolean averageOptimizerState,
                             int aggregationDepth, int epochs, long maxRounds, long seed) {

    public DriverSettings {
        if (workers < 1) throw new IllegalArgumentException("train.workers must be >= 1");
        if (averagingFrequency < 1) throw new IllegalArgumentException("train.averagingFrequency must be >= 1");
    }

    /** Minibatches per round: k in parameters mode, 1 in gradients mode (every minibatch is averaged). */
    public int stepsPerRound() { return mode == Aggregation.GRADIENTS ? 1 : averagingFrequency; }
}
