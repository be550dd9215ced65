package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.Backends;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

/**
 * The child JVM of ConcurrentOpenClSetupTest, what a Spark executor does when its task slots
 * start together: many threads at once, released by one barrier, each make a backend the way
 * a worker does ({@link Backends#create}, kind given), bind it (an OpenCL backend compiles its
 * program then) and run one convolution. A native crash kills this JVM (exit 134/139) instead
 * of the test runner. Exit 0: every thread got its backend and a finite result.
 * Arguments: kind threads rounds.
 */
public final class ConcurrentOpenClSetup {
    private ConcurrentOpenClSetup() {}

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int threads = Integer.parseInt(args[1]), rounds = Integer.parseInt(args[2]);
        ConvGeom g = ConvGeom.conv2d(2, 3, 8, 8, 4, 3, 1, 1, 1, 1);
        for (int r = 0; r < rounds; r++) {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Throwable> failures = new ArrayList<>();
            List<Thread> team = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        try (Backend b = Backends.create(kind, 0, true, 1)) {
                            b.bind(new Arenas(g.weightCount() + 1, g.weightCount() + 1, g.n() * (g.inSize() + g.outSize()), 1));
                            ConvOp op = b.conv(g);
                            op.forward(0, 0, -1, g.n() * g.inSize(), false);
                            float v = b.read(io.sparkcnn.model.backend.Arena.ACTS, g.n() * g.inSize());
                            if (!Float.isFinite(v)) throw new IllegalStateException("non-finite result " + v);
                        }
                    } catch (Throwable e) {
                        synchronized (failures) { failures.add(e); }
                    }
                }, "setup-" + t);
                team.add(th);
                th.start();
            }
            for (Thread th : team) th.join();
            if (!failures.isEmpty()) {
                failures.get(0).printStackTrace();
                System.exit(1);
            }
            System.out.println("round " + r + ": " + threads + " backends (" + kind + ") set up at once");
        }
    }
}
