package io.sparkcnn.model.train;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.backend.cpu.CpuContext;
import io.sparkcnn.model.backend.cpu.RangeTask;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training step of a CNN with conv, batch norm, pooling, dense and dropout allocates
 * nothing on the heap once warm: counted by the JVM per thread, over the calling thread
 * and the CPU backend's workers.
 */
class TrainingAllocationTest {
    private static final int BATCH = 16;
    private static final int STEPS = 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The CPU backend's worker threads (named sparkcnn-cpu-*), with the calling thread last. */
    private static long[] measuredThreads() {
        List<Long> ids = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("sparkcnn-cpu-")) ids.add(t.getId());
        }
        ids.add(Thread.currentThread().getId());
        long[] r = new long[ids.size()];
        for (int i = 0; i < r.length; i++) r[i] = ids.get(i);
        return r;
    }

    /** Bytes the threads have allocated so far (the query allocates its result array: measure() subtracts a baseline). */
    private static long total(long[] ids) {
        long[] perThread = THREADS.getThreadAllocatedBytes(ids);
        long sum = 0;
        for (long b : perThread) sum += b;
        return sum;
    }

    @Test
    void aWarmTrainingStepAllocatesNothing() {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        SmallNets.Data d = SmallNets.data(BATCH * 4, 11);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "adamw", "learningRate", 0.01, "weightDecay", 0.01,
                "schedule", "cosine", "totalSteps", 1000, "warmupSteps", 10, "clipNorm", 1.0, "batchSize", BATCH));
        try (CpuBackend backend = new CpuBackend(2)) {
            Trainer t = Trainer.create(SmallNets.cnn(), backend, config);
            for (int s = 0; s < 300; s++) step(t, d, s); // warm-up: classes loaded, code compiled
            long[] ids = measuredThreads();
            assertTrue(ids.length >= 2, "expected the backend's worker threads");

            long baseline = measure(ids, () -> {});
            long bytes = measure(ids, () -> {
                for (int s = 0; s < STEPS; s++) step(t, d, s);
            });
            assertEquals(0, bytes - baseline, "bytes allocated by " + STEPS + " training steps (measurement overhead "
                    + baseline + " bytes subtracted)");
        }
    }

    /** Where the self-check's allocations escape to, so the JIT cannot remove them. */
    private static volatile Object sink;

    @Test
    void theMeasurementSeesAllocationsOnTheCallerAndOnTheWorkers() {
        try (CpuContext ctx = new CpuContext(2)) {
            RangeTask allocating = (from, to) -> sink = new byte[4096];
            ctx.parallelFor(2, 1, allocating); // starts the workers
            long[] ids = measuredThreads();
            long baseline = measure(ids, () -> {});
            assertTrue(measure(ids, () -> sink = new byte[4096]) - baseline >= 4096, "the caller's allocation");
            // each of the two slices allocates; the caller runs one, a worker the other
            assertTrue(measure(ids, () -> ctx.parallelFor(2, 1, allocating)) - baseline >= 2 * 4096,
                    "allocations on the worker threads are counted");
        }
    }

    private static void step(Trainer t, SmallNets.Data d, int s) {
        int e = (s % 4) * BATCH;
        t.trainStep(d.inputs(), d.inputOffset(e), d.labels(), e);
    }

    private static long measure(long[] ids, Runnable work) {
        long before = total(ids);
        work.run();
        return total(ids) - before;
    }
}
