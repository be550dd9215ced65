package io.sparkcnn.jobs.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the workers actually ran, as they reported it: a line for each worker the first time
 * it reports a backend and device, and again when that changes (a replaced executor).
 */
public final class WorkerDevices {
    private final Set<String> seen = new HashSet<>();

    /** Lines for the workers whose (executor, backend, device) is new. */
    public List<String> news(List<WorkerStats> stats) {
        List<String> lines = new ArrayList<>();
        for (WorkerStats w : stats) {
            String line = "worker " + w.worker() + " (executor " + w.executor() + ") runs on backend " + w.backend()
                    + ": " + w.device();
            if (seen.add(w.worker() + "\n" + line)) lines.add(line);
        }
        return lines;
    }
}
