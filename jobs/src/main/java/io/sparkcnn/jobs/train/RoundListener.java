package io.sparkcnn.jobs.train;

/** Told after every completed round (metrics, checkpoints, progress). */
public interface RoundListener {
    /** @return false to stop training after this round */
    boolean roundDone(TrainingState state, RoundMetrics metrics);
}
