package io.sparkcnn.model.backend.opencl;

import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of SignalChainingTest: probes OpenCL as backend.kind=auto does (with pocl this loads
 * LLVM, which puts its own one-shot SIGSEGV handler over the JVM's), then keeps threads running Java
 * loops while the main thread forces safepoints. Each safepoint makes every running thread fault on
 * the armed poll page at about the same moment: with LLVM's handler in front, the second fault finds
 * the default action and the JVM dies with SIGSEGV, no hs_err file. Exit 0 when all rounds pass.
 * Arguments: threads safepoints.
 */
public final class SafepointStress {
    private SafepointStress() {}

    private static volatile boolean stop;
    private static volatile long sink;

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]), safepoints = Integer.parseInt(args[1]);
        System.out.println("OpenCL devices: " + OpenClDevices.all().size());
        // no Java thread runs now, so nothing faults: -Xcheck:jni's periodic signal check (every 10 ms) sees the handlers as the probe left them
        Thread.sleep(Long.getLong("sparkcnn.stress.pauseMs", 0));
        List<Thread> team = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                long x = 1;
                while (!stop) {
                    for (int i = 0; i < 100_000; i++) x = x * 6364136223846793005L + i;
                    sink = x;
                }
            });
            th.setDaemon(true);
            th.start();
            team.add(th);
        }
        for (int s = 0; s < safepoints; s++) {
            Thread.getAllStackTraces(); // a safepoint operation: every running thread meets its poll
            if (s % 50 == 0) System.gc();
        }
        stop = true;
        for (Thread th : team) th.join();
        System.out.println("safepoints passed: " + safepoints);
    }
}
