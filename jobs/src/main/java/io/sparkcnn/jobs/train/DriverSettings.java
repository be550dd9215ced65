package io.sparkcnn.jobs.train;

/**
 * The parameter-averaging loop's settings (train.* in the job config).
 *
 * @param maxRounds stop once this many rounds are done in total (across resumes); 0 runs every epoch
 * @param outer     the step from the workers' mean to the next model (parameters mode only)
 */
public record DriverSettings(int workers, int averagingFrequency, Aggregation mode, boolean averageOptimizerState,
                             int aggregationDepth, int epochs, long maxRounds, long seed, OuterOptimizer outer) {

    public DriverSettings {
        if (workers < 1) throw new IllegalArgumentException("train.workers must be >= 1");
        if (averagingFrequency < 1) throw new IllegalArgumentException("train.averagingFrequency must be >= 1");
        if (outer == null) outer = OuterOptimizer.NONE;
        if (mode == Aggregation.GRADIENTS && outer.enabled()) throw new IllegalArgumentException(OUTER_IN_GRADIENTS_MODE);
    }

    /** Plain averaging (train.outerOptimizer = none). */
    public DriverSettings(int workers, int averagingFrequency, Aggregation mode, boolean averageOptimizerState,
                          int aggregationDepth, int epochs, long maxRounds, long seed) {
        this(workers, averagingFrequency, mode, averageOptimizerState, aggregationDepth, epochs, maxRounds, seed,
                OuterOptimizer.NONE);
    }

    /** Why gradients mode refuses an outer optimizer. */
    public static final String OUTER_IN_GRADIENTS_MODE = "train.outerOptimizer applies to train.aggregation=parameters: in "
            + "gradients mode the driver already steps the engine's optimizer (trainer.*) on every averaged gradient, and an "
            + "outer momentum over that step would only be a second momentum term; set train.outerOptimizer=none, or use "
            + "train.aggregation=parameters";

    /** Minibatches per round: k in parameters mode, 1 in gradients mode (every minibatch is averaged). */
    public int stepsPerRound() { return mode == Aggregation.GRADIENTS ? 1 : averagingFrequency; }
}
