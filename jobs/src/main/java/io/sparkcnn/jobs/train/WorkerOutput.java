package io.sparkcnn.jobs.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A worker's contribution to a round, or a partial sum of several: one dense float vector
 * (parameters, buffers and optimizer state back to back; or gradients and buffers) plus the
 * workers' small statistics. Only primitive arrays travel, one vector per worker per level of
 * the summation tree.
 *
 * @param first the lowest worker index summed in (orders partial sums)
 */
public record WorkerOutput(int first, float[] vector, List<WorkerStats> stats) implements Serializable {

    /** Sums parts in ascending order of their first worker: the fixed order that makes sums bit-identical. */
    public static WorkerOutput sumInOrder(List<WorkerOutput> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("nothing to sum");
        List<WorkerOutput> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingInt(WorkerOutput::first));
        WorkerOutput head = sorted.get(0);
        float[] sum = head.vector().clone();
        List<WorkerStats> stats = new ArrayList<>(head.stats());
        for (int i = 1; i < sorted.size(); i++) {
            float[] v = sorted.get(i).vector();
            if (v.length != sum.length) {
                throw new IllegalStateException("workers returned vectors of " + sum.length + " and " + v.length + " floats");
            }
            for (int j = 0; j < sum.length; j++) sum[j] += v[j];
            stats.addAll(sorted.get(i).stats());
        }
        stats.sort(Comparator.comparingInt(WorkerStats::worker));
        return new WorkerOutput(head.first(), sum, List.copyOf(stats));
    }
}
