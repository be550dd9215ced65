package io.sparkcnn.jobs.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the workers actually ran, as they reported it: a line for each worker the first time
 * it reports a backend and device, and again when that changes (a replaced executor). A resumed
 * run also gets a warning for each worker whose arithmetic (backend, device, BLAS and its threads)
 * differs from what it reported in the last round before the resume: the run goes on, but its
 * low bits will not be those of an uninterrupted run.
 */
public final class WorkerDevices {
    private final Set<String> seen = new HashSet<>();
    private final Map<Integer, String> beforeResume;
    private final long resumedAfterRound;

    /** A fresh run: nothing to compare with. */
    public WorkerDevices() {
        this(Map.of(), 0);
    }

    /** A run resumed after this round, whose workers reported this "backend: device" in it. */
    public WorkerDevices(Map<Integer, String> beforeResume, long resumedAfterRound) {
        this.beforeResume = Map.copyOf(beforeResume);
        this.resumedAfterRound = resumedAfterRound;
    }

    /** Lines for the workers whose (executor, backend, device) is new, each followed by a warning when it changed over the resume. */
    public List<String> news(List<WorkerStats> stats) {
        List<String> lines = new ArrayList<>();
        for (WorkerStats w : stats) {
            String line = "worker " + w.worker() + " (executor " + w.executor() + ") runs on backend " + w.backend()
                    + ": " + w.device();
            if (!seen.add(w.worker() + "\n" + line)) continue;
            lines.add(line);
            String before = beforeResume.get(w.worker());
            String now = w.backend() + ": " + w.device();
            if (before != null && !before.equals(now) && seen.add(w.worker() + "\nwarned")) {
                lines.add("WARNING: worker " + w.worker() + " ran on " + before + " in round " + resumedAfterRound
                        + ", before the resume, and on " + now + " now: training goes on, but the results will differ in"
                        + " their low bits from an uninterrupted run's (docs/jobs.md, Determinism)");
            }
        }
        return lines;
    }
}
