package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;

/**
 * Measures Aparapi's execution lock: two backends (two kernel instances, two cl_contexts on
 * the same device) launch convolutions from two threads at once. Prints how much of the
 * launches' time overlapped and the throughput against one thread, the figures
 * docs/opencl.md quotes. A measurement, not a test: wall-clock overlap on a shared two-core
 * machine is a coin flip, so surefire does not run it (its name does not end in Test).
 * ConcurrentBackendsTest checks the part that is not timing: each backend's own results.
 * Run: see docs/opencl.md, "The Aparapi execution lock, measured".
 */
public final class AparapiLockBench {
    static final int LAUNCHES = 40;

    private AparapiLockBench() {}

    public static void main(String[] args) throws Exception {
        ConvGeom g = ConvGeom.conv2d(4, 16, 16, 16, 16, 3, 1, 1, 1, 1);
        Worker a = new Worker(g, 1), b = new Worker(g, 2);
        try {
            a.run(null); // warm up: compile, buffers
            b.run(null);
            long t0 = System.nanoTime();
            a.run(null);
            long serial = System.nanoTime() - t0;
            float[] aAlone = a.result(), bAlone = b.run(null).result();

            CyclicBarrier start = new CyclicBarrier(2);
            Thread ta = new Thread(() -> a.run(start)), tb = new Thread(() -> b.run(start));
            long t1 = System.nanoTime();
            ta.start();
            tb.start();
            ta.join();
            tb.join();
            long both = System.nanoTime() - t1;
            long overlap = overlap(a.starts, a.ends, b.starts, b.ends);
            long busy = sum(a.starts, a.ends);
            System.out.printf("Aparapi lock: one thread %d launches %.1f ms; two threads x %d launches %.1f ms "
                            + "(%.2fx the work in %.2fx the time); launches overlapped %.0f%% of one thread's launch time%n",
                    LAUNCHES, serial / 1e6, LAUNCHES, both / 1e6, 2.0, both / (double) serial, 100.0 * overlap / busy);
            if (!Arrays.equals(aAlone, a.result()) || !Arrays.equals(bAlone, b.result())) {
                System.err.println("a backend's result changed with the other running beside it");
                System.exit(1);
            }
        } finally {
            a.backend.close();
            b.backend.close();
        }
    }

    /** One backend with one convolution and its launch times. */
    static final class Worker {
        final OpenClBackend backend = new OpenClBackend(DeviceFixture.firstDevice(), true, 1);
        final ConvOp op;
        final int y;
        final long[] starts = new long[LAUNCHES], ends = new long[LAUNCHES];

        Worker(ConvGeom g, long seed) {
            Arenas arenas = new Arenas(g.weightCount() + 1, 1, g.n() * (g.inSize() + g.outSize()), 1);
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < arenas.params().length; i++) arenas.params()[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < g.n() * g.inSize(); i++) arenas.acts()[i] = (float) r.nextDouble(-1, 1);
            backend.bind(arenas);
            op = backend.conv(g);
            y = g.n() * g.inSize();
        }

        Worker run(CyclicBarrier start) {
            try {
                if (start != null) start.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            for (int i = 0; i < LAUNCHES; i++) {
                starts[i] = System.nanoTime();
                op.forward(0, 0, -1, y, false);
                ends[i] = System.nanoTime();
            }
            return this;
        }

        float[] result() {
            float[] out = new float[op.geom().n() * op.geom().outSize()];
            backend.download(Arena.ACTS, y, out, 0, out.length);
            return out;
        }
    }

    static long sum(long[] s, long[] e) {
        long t = 0;
        for (int i = 0; i < s.length; i++) t += e[i] - s[i];
        return t;
    }

    /** Total time during which a launch of A and a launch of B were both in progress. */
    static long overlap(long[] as, long[] ae, long[] bs, long[] be) {
        long t = 0;
        for (int i = 0; i < as.length; i++) {
            for (int j = 0; j < bs.length; j++) t += Math.max(0, Math.min(ae[i], be[j]) - Math.max(as[i], bs[j]));
        }
        return t;
    }
}
