package io.sparkcnn.jobs.train;

/**
 * The driver's copy of the run between rounds: the averaged model and every counter needed to
 * continue exactly (what a checkpoint holds). All randomness (data order, augmentation,
 * dropout) is a pure function of the seed and these counters, so they are the RNG state.
 *
 * @param step        optimizer updates applied (the LR schedule and Adam's t follow it)
 * @param epoch       current epoch (0-based)
 * @param stepInEpoch minibatches of this epoch each worker has done: the workers' data cursor
 * @param round       rounds completed
 * @param outerMomentum the outer optimizer's momentum buffer u (train.outerOptimizer=nesterov), one float per
 *                    parameter; empty without an outer optimizer
 */
public record TrainingState(float[] params, float[] buffers, float[] optimizerState, long step, long epoch,
                            long stepInEpoch, long round, float[] outerMomentum) {

    public TrainingState {
        if (outerMomentum == null) outerMomentum = new float[0];
        if (outerMomentum.length != 0 && outerMomentum.length != params.length) {
            throw new IllegalArgumentException("the outer momentum holds " + outerMomentum.length + " floats, the model "
                    + params.length + " parameters");
        }
    }

    /** A state without outer momentum. */
    public TrainingState(float[] params, float[] buffers, float[] optimizerState, long step, long epoch,
                         long stepInEpoch, long round) {
        this(params, buffers, optimizerState, step, epoch, stepInEpoch, round, new float[0]);
    }

    /** This state with another outer momentum buffer. */
    public TrainingState withOuterMomentum(float[] u) {
        return new TrainingState(params, buffers, optimizerState, step, epoch, stepInEpoch, round, u);
    }

    public TrainingState advance(float[] params, float[] buffers, float[] optimizerState, int steps, long stepsPerEpoch) {
        long inEpoch = stepInEpoch + steps;
        long e = epoch;
        if (inEpoch >= stepsPerEpoch) {
            e++;
            inEpoch = 0;
        }
        return new TrainingState(params, buffers, optimizerState, step + steps, e, inEpoch, round + 1, outerMomentum);
    }
}
