package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.ActivationOp;
import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.BatchNormOp;
import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.backend.PoolOp;
import io.sparkcnn.model.backend.TensorOps;
import org.junit.jupiter.api.Test;

/**
 * A training step must not allocate: every op call here, repeated after warm-up, allocates no
 * byte on the calling thread or the backend's workers (see SteadyStateAllocation).
 */
class CpuOpsAllocationTest {

    @Test
    void opCallsAllocateNothing() {
        int n = 4, c = 8, h = 16, w = 16, count = n * c * h * w;
        try (CpuFixture f = new CpuFixture(2, 12 * count + 4096)) {
            int x = f.alloc(Arena.ACTS, count), y = f.alloc(Arena.ACTS, count), dy = f.alloc(Arena.ACTS, count);
            int dx = f.alloc(Arena.ACTS, count), m = f.alloc(Arena.ACTS, count), big = f.alloc(Arena.ACTS, 4 * count);
            int am = f.alloc(Arena.ACTS, count), labels = f.alloc(Arena.ACTS, n * h * w), loss = f.alloc(Arena.ACTS, 1);
            int s1 = f.alloc(Arena.ACTS, c), s2 = f.alloc(Arena.ACTS, c);
            int gamma = f.alloc(Arena.PARAMS, c), beta = f.alloc(Arena.PARAMS, c), params = f.alloc(Arena.PARAMS, count);
            int rm = f.alloc(Arena.BUFFERS, c), rv = f.alloc(Arena.BUFFERS, c);
            int o1 = f.alloc(Arena.OPT, count), o2 = f.alloc(Arena.OPT, count);
            java.util.Arrays.fill(f.arenas.acts(), x, x + count, 0.5f);
            java.util.Arrays.fill(f.arenas.acts(), x, x + count / 2, -0.25f);
            TensorOps t = f.backend.tensor();
            BatchNormOp bn = f.backend.batchNorm(n, c, h * w, 1e-5f, 0.1f);
            PoolOp max = f.backend.pool(new PoolGeom(true, n, c, 1, h, w, 1, 3, 3, 1, 2, 2, 0, 1, 1, true));
            PoolOp avg = f.backend.pool(new PoolGeom(false, n, c, 1, h, w, 1, 2, 2, 1, 2, 2, 0, 0, 0, true));
            ActivationOp relu = f.backend.activation(Activation.RELU, 0f, count);
            Runnable step = () -> {
                bn.forwardTrain(x, gamma, beta, rm, rv, y, s1, s2);
                bn.backward(x, dy, gamma, s1, s2, dx, gamma, beta);
                max.forward(x, y, am);
                max.backward(dy, am, dx);
                avg.forward(x, y, -1);
                avg.backward(dy, -1, dx);
                relu.forward(x, y);
                relu.backward(x, y, dy, dx);
                t.add(count, x, dy, y);
                t.accumulate(count, dy, dx);
                t.copyIntoChannels(n, c, 2 * c, h * w, c, x, big);
                t.accumulateFromChannels(n, c, 2 * c, h * w, c, big, dx);
                t.dropoutForward(count, 0.3f, 7L, x, m, y);
                t.dropoutBackward(count, m, dy, dx);
                t.upsampleForward(true, n, c, h / 2, w / 2, 2, 2, x, y);
                t.upsampleBackward(true, n, c, h / 2, w / 2, 2, 2, dy, dx);
                t.sumSquares(Arena.ACTS, x, count, loss);
                t.fill(Arena.ACTS, dx, count, 0f);
                f.backend.loss().softmaxCrossEntropy(n, c, h * w, x, labels, -1, 255, loss, dx, -1);
                f.backend.loss().meanSquaredError(count, x, y, loss, dx);
                f.backend.optimizer().adam(params, count, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 3, o1, o2);
                f.backend.optimizer().sgd(params, count, 1e-3f, 0.9f, 0f, true, 1e-4f, o1);
            };
            for (int i = 0; i < 200; i++) step.run();
            SteadyStateAllocation.assertWarmWindowsAllocateNothing("10 steps of the CPU ops",
                    SteadyStateAllocation.callerAnd(f.backend.workerThreadIds()), () -> {
                        for (int i = 0; i < 10; i++) step.run();
                    });
        }
    }
}
