package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.ActivationOp;
import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.BatchNormOp;
import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.backend.PoolOp;
import io.sparkcnn.model.backend.TensorOps;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Effective memory bandwidth of the memory-bound CPU ops on ResNet-50 shapes (batch 32),
 * next to a plain copy through the same thread team as the ceiling. Not a unit test: run
 * with {@code java -cp <test-classes>:<classes> io.sparkcnn.model.backend.cpu.CpuMemoryBoundBench [threads]}.
 * Bytes counted are the minimum each op must move (every pass over an array counts).
 */
public final class CpuMemoryBoundBench {
    private CpuMemoryBoundBench() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        int n = 32, c = 64, h = 112, w = 112;
        int big = n * c * h * w;                // conv1 output
        int half = n * c * (h / 2) * (w / 2);   // after the stem's max pool
        try (CpuBackend backend = new CpuBackend(threads)) {
            io.sparkcnn.model.backend.Arenas arenas = new io.sparkcnn.model.backend.Arenas(4096, 4096, 4 * big + 4096, 0);
            backend.bind(arenas);
            SplittableRandom rng = new SplittableRandom(1);
            float[] a = arenas.acts();
            for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextDouble(-1, 1);
            Arrays.fill(arenas.params(), 1f);
            Arrays.fill(arenas.buffers(), 1f);
            int x = 0, y = big, dy = 2 * big, dx = 3 * big;
            TensorOps t = backend.tensor();
            System.out.printf("threads=%d, medians of 15 after 5 warm-up%n", threads);
            report("copy (N,64,112,112)", 2L * big, () -> t.copy(big, x, y));

            BatchNormOp bn = backend.batchNorm(n, c, 56 * 56, 1e-5f, 0.1f);
            report("batchnorm train forward (32,64,56,56)", 3L * half, () -> bn.forwardTrain(x, 0, 64, 0, 64, y, 4 * big, 4 * big + 2048));
            report("batchnorm backward (32,64,56,56)", 5L * half, () -> bn.backward(x, dy, 0, 4 * big, 4 * big + 2048, dx, 0, 64));
            BatchNormOp bnDeep = backend.batchNorm(n, 1024, 14 * 14, 1e-5f, 0.1f);
            report("batchnorm train forward (32,1024,14,14)", 3L * n * 1024 * 196,
                    () -> bnDeep.forwardTrain(x, 0, 2048, 0, 2048, y, 4 * big, 4 * big + 2048));

            PoolOp max = backend.pool(new PoolGeom(true, n, c, 1, h, w, 1, 3, 3, 1, 2, 2, 0, 1, 1, true));
            report("maxpool 3x3/2 forward (32,64,112,112)", (long) big + 2L * half, () -> max.forward(x, y, dy));
            report("maxpool 3x3/2 backward", 3L * half + 2L * big, () -> max.backward(dx, dy, y));
            PoolOp gap = backend.pool(new PoolGeom(false, n, 2048, 1, 7, 7, 1, 7, 7, 1, 1, 1, 0, 0, 0, true));
            report("global avgpool forward (32,2048,7,7)", (long) n * 2048 * 50, () -> gap.forward(x, y, -1));

            ActivationOp relu = backend.activation(Activation.RELU, 0f, half);
            report("relu forward (32,64,56,56)", 2L * half, () -> relu.forward(x, y));
            report("relu backward", 4L * half, () -> relu.backward(x, y, dy, dx));
        }
    }

    private static void report(String what, long floats, Runnable body) {
        for (int i = 0; i < 5; i++) body.run();
        double[] t = new double[15];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            body.run();
            t[i] = (System.nanoTime() - start) * 1e-9;
        }
        Arrays.sort(t);
        double s = t[t.length / 2];
        System.out.printf("%-44s %8.2f ms %7.2f GB/s%n", what, s * 1e3, floats * 4.0 / s * 1e-9);
    }
}
