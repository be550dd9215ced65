package io.sparkcnn.jobs.train;

import java.io.Serializable;

/**
 * What the driver broadcasts for one round: the model to start from and where in the data
 * the round begins. Every worker starts from the same values, at the same global step.
 *
 * @param optimizerState null in gradients mode (the driver steps); otherwise the state every worker starts from
 * @param stepInEpoch    minibatch index inside the epoch where the round begins (each worker's data cursor)
 * @param steps          minibatches each worker runs this round
 */
public record RoundInput(long round, Aggregation mode, float[] params, float[] buffers, float[] optimizerState,
                         long step, long epoch, long stepInEpoch, int steps) implements Serializable {
}
