package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.ConvGeom;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Two backends (two kernel instances) launching convolutions from two threads at once each
 * get their own results, the same as alone. How much the launches overlap in time is
 * measured by AparapiLockBench, not asserted: on a shared machine that is a timing coin flip.
 */
class ConcurrentBackendsTest {
    @Test
    void twoBackendsInTwoThreadsKeepTheirOwnResults() throws Exception {
        ConvGeom g = ConvGeom.conv2d(4, 16, 16, 16, 16, 3, 1, 1, 1, 1);
        AparapiLockBench.Worker a = new AparapiLockBench.Worker(g, 1), b = new AparapiLockBench.Worker(g, 2);
        try {
            float[] aAlone = a.run(null).result(), bAlone = b.run(null).result();
            CyclicBarrier start = new CyclicBarrier(2);
            Thread ta = new Thread(() -> a.run(start)), tb = new Thread(() -> b.run(start));
            ta.start();
            tb.start();
            ta.join();
            tb.join();
            assertArrayEquals(aAlone, a.result(), "backend A's result with B running beside it");
            assertArrayEquals(bAlone, b.result(), "backend B's result with A running beside it");
        } finally {
            a.backend.close();
            b.backend.close();
        }
    }
}
