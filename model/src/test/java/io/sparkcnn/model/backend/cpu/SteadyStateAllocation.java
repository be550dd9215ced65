package io.sparkcnn.model.backend.cpu;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks the claim "a warm step allocates nothing on the heap" on exactly the threads that run
 * the step (the caller and a CPU context's workers), from the JVM's per-thread allocation
 * counters. Reading a counter allocates nothing, so no overhead is subtracted.
 * <p>
 * Why windows and not one measurement: the JVM allocates on a thread by itself while it warms
 * up. When a thread's invocation counters queue a method for C2, that thread resolves every
 * string literal of the method's class first (HotSpot {@code CompileBroker::compile_method} ->
 * {@code resolve_string_constants}), once per class: netlib's {@code AbstractBLAS} makes 114
 * strings, the 5,472 bytes {@code CpuConvOpTest} once saw. On a loaded machine C2 lags and
 * that moment falls inside a measurement (docs/architecture.md, "Allocation-free steps").
 * Those allocations happen once; an allocation in the code happens in every window. So a step
 * passes when {@link #CLEAN_WINDOWS} consecutive windows allocate nothing, within
 * {@link #MAX_WINDOWS}; one allocating call per window fails it.
 */
public final class SteadyStateAllocation {
    public static final int CLEAN_WINDOWS = 10;
    public static final int MAX_WINDOWS = 80;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long[] threadIds;

    private SteadyStateAllocation(long[] threadIds) {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        assertTrue(threadIds.length > 0, "no threads to measure");
        this.threadIds = threadIds.clone();
    }

    /** The calling thread plus the given workers. */
    public static long[] callerAnd(long[] workerIds) {
        long[] ids = Arrays.copyOf(workerIds, workerIds.length + 1);
        ids[workerIds.length] = Thread.currentThread().getId();
        return ids;
    }

    /**
     * Runs window until CLEAN_WINDOWS consecutive runs allocate no byte on the given threads;
     * fails with the bytes of every window when that does not happen within MAX_WINDOWS.
     */
    public static void assertWarmWindowsAllocateNothing(String what, long[] threadIds, Runnable window) {
        SteadyStateAllocation meter = new SteadyStateAllocation(threadIds);
        long[] bytes = new long[MAX_WINDOWS];
        int clean = 0;
        for (int w = 0; w < MAX_WINDOWS; w++) {
            bytes[w] = meter.bytesAllocatedBy(window);
            clean = bytes[w] == 0 ? clean + 1 : 0;
            if (clean == CLEAN_WINDOWS) {
                if (w + 1 > CLEAN_WINDOWS) {
                    // the JVM's own warm-up was seen: say so in the test output, it is the evidence for this design
                    System.out.println(what + ": allocation-free after " + (w + 1 - CLEAN_WINDOWS) + " warming windows "
                            + Arrays.toString(Arrays.copyOf(bytes, w + 1 - CLEAN_WINDOWS)));
                }
                return;
            }
        }
        fail(what + ": no " + CLEAN_WINDOWS + " consecutive allocation-free windows in " + MAX_WINDOWS
                + " on threads " + Arrays.toString(threadIds) + "; bytes per window: " + Arrays.toString(bytes));
    }

    /** Bytes the measured threads allocate while work runs. */
    long bytesAllocatedBy(Runnable work) {
        long before = total();
        work.run();
        return total() - before;
    }

    private long total() {
        long sum = 0;
        for (long id : threadIds) {
            long b = THREADS.getThreadAllocatedBytes(id); // one id at a time: the array form allocates its result
            if (b < 0) throw new IllegalStateException("thread " + id + " has ended: it cannot be measured");
            sum += b;
        }
        return sum;
    }
}
