package io.sparkcnn.jobs.train;

import java.util.List;

/**
 * One round as measured on the driver: the mean loss over the workers' minibatches,
 * throughput, and where the time went. broadcastMs = the driver's put plus the slowest
 * worker's fetch; computeMs = the slowest worker's training; aggregateMs = the rest of the
 * Spark job (scheduling, the summation tree, the collect); averageMs = dividing (and, in
 * gradients mode, the optimizer step) on the driver. learningRate = the schedule's rate at the
 * round's first update (the base rate; fine-tuning's group multipliers scale it further).
 */
public record RoundMetrics(long round, long epoch, long stepInEpoch, long step, int steps, int workers, double loss,
                           double learningRate,
                           long examples, double examplesPerSecond, double roundMs, double broadcastMs,
                           double computeMs, double aggregateMs, double averageMs, List<WorkerStats> perWorker) {
}
