package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Arenas;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What the CPU ops share: the arenas, one scratch array sized at build time for the largest
 * op (im2col), and a fixed team of worker threads. {@link #parallelFor} hands each thread
 * one contiguous slice and allocates nothing, so a training step stays off the heap.
 */
public final class CpuContext implements AutoCloseable {
    private final int threads;
    private final Thread[] workers;
    private Arenas arenas;
    private float[] scratch = new float[0];
    private final NativeScratch nativeScratch = new NativeScratch();

    private volatile RangeTask task;
    private volatile int total;
    private volatile long generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    /** A worker's failure, rethrown on the calling thread so no slice fails silently. */
    private volatile Throwable failure;

    public CpuContext(int threads) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be positive, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int slice = i + 1;
            workers[i] = new Thread(() -> workerLoop(slice), "sparkcnn-cpu-" + slice);
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    public int threads() { return threads; }

    /** The ids of this context's worker threads (the caller runs the first slice itself), for per-thread monitoring. */
    public long[] workerThreadIds() {
        long[] ids = new long[workers.length];
        for (int i = 0; i < ids.length; i++) ids[i] = workers[i].getId();
        return ids;
    }

    void bind(Arenas a) { this.arenas = a; }

    public Arenas arenas() { return arenas; }

    public float[] array(Arena a) { return arenas.get(a); }

    /** Called while ops are created: makes the shared scratch at least n floats. */
    public void reserveScratch(int n) {
        if (scratch.length < n) scratch = new float[n];
    }

    /** The shared scratch array; its contents are only valid inside one op call. */
    public float[] scratch() { return scratch; }

    /** The off-heap counterpart of {@link #scratch()}, for the oneDNN convolutions. */
    NativeScratch nativeScratch() { return nativeScratch; }

    /**
     * Runs task over [0, n) split into one slice per thread; the caller runs the first slice.
     * Loops too small to pay for a hand-off (under grain items) run on the caller alone.
     */
    public void parallelFor(int n, int grain, RangeTask t) {
        if (threads == 1 || n < 2 * Math.max(1, grain)) {
            t.run(0, n);
            return;
        }
        task = t;
        total = n;
        caller = Thread.currentThread();
        pending.set(workers.length);
        generation++;
        for (Thread w : workers) LockSupport.unpark(w);
        t.run(0, sliceEnd(0, n));
        int spins = 0;
        while (pending.get() > 0) {
            if (++spins < 10_000) Thread.onSpinWait();
            else LockSupport.parkNanos(50_000);
        }
        task = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    private int sliceEnd(int slice, int n) { return (int) ((long) n * (slice + 1) / threads); }

    private void workerLoop(int slice) {
        long seen = 0;
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < 2_000) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            int n = total;
            try {
                task.run((int) ((long) n * slice / threads), sliceEnd(slice, n));
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        nativeScratch.close();
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
