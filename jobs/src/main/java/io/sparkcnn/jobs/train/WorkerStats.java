package io.sparkcnn.jobs.train;

import java.io.Serializable;

/**
 * What one worker reports about its part of a round: where it ran, its loss, and where the
 * time went (fetching the broadcast, computing), so a straggler is visible.
 *
 * @param attempt the Spark task attempt (0 first; more when a task was lost, e.g. with its executor, and re-run)
 * @param failure null, or why the worker stopped (a non-finite loss), naming the step
 * @param backend the backend the worker's replica ran on ("cpu", "opencl")
 * @param device that backend's device as it describes itself (an OpenCL program that fell back to the CPU says so)
 */
public record WorkerStats(int worker, String executor, int batches, double lossSum, long examples,
                          long broadcastFetchNanos, long computeNanos, int attempt, String failure, String backend,
                          String device) implements Serializable {

    public double meanLoss() { return batches == 0 ? Double.NaN : lossSum / batches; }
}
