package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.optim.Optimizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data stays on the device: one training step (inputs and targets in, forward, loss,
 * backward, optimizer update) moves exactly the minibatch and the targets to the device
 * and the loss back; parameters move only when asked for.
 */
class OpenClTransferTest {

    @Test
    void aTrainingStepMovesOnlyTheMinibatchTargetsAndLoss() {
        int batch = 16;
        float[][] data = TestNets.bands(256, 5);
        Optimizer opt = TestNets.sgd();
        try (OpenClBackend device = new OpenClBackend(DeviceFixture.firstDevice(), true, 1);
             Network net = TestNets.build(TestNets.smallCnn(), batch, device, opt, 3)) {
            TestNets.step(net, opt, data, 0, 0.05f); // first step: the buffers are created from the arenas
            TransferCounter t = device.transfers();
            for (int s = 1; s <= 3; s++) {
                t.reset();
                float loss = TestNets.step(net, opt, data, s, 0.05f);
                assertTrue(Float.isFinite(loss));
                assertEquals(2, t.toDevice(), "step " + s + ": inputs and targets only, " + t);
                // inputs (16*64 = 1024 floats) and targets (16) both fit the small staging array
                assertEquals(2L * 4 * ProgramHost.SMALL_STAGE, t.toDeviceBytes(), t.toString());
                assertEquals(1, t.toHost(), "step " + s + ": the loss only, " + t);
                assertEquals(4, t.toHostBytes(), t.toString());
                assertTrue(t.launches() > 20, "the step ran on the device: " + t);
            }
            t.reset();
            net.params();
            assertEquals(1, t.toHost(), "parameters come back when the driver asks: " + t);
            assertEquals(0, t.toDevice());
        }
    }

    @Test
    void largeMinibatchesGoThroughTheLargeStagingArrayWithoutResending() {
        int batch = 128; // 128*64 floats > the small staging array
        float[][] data = TestNets.bands(512, 6);
        Optimizer opt = TestNets.sgd();
        try (OpenClBackend device = new OpenClBackend(DeviceFixture.firstDevice(), true, 1);
             Network net = TestNets.build(TestNets.smallCnn(), batch, device, opt, 3)) {
            TestNets.step(net, opt, data, 0, 0.05f);
            TransferCounter t = device.transfers();
            t.reset();
            TestNets.step(net, opt, data, 1, 0.05f);
            assertEquals(2, t.toDevice(), t.toString());
            assertEquals(4L * (batch * net.inputSize() + ProgramHost.SMALL_STAGE), t.toDeviceBytes(), t.toString());
            assertEquals(1, t.toHost(), t.toString());
        }
    }

    @Test
    void parametersPushedAndPulledRoundTrip() {
        Optimizer opt = TestNets.sgd();
        try (OpenClBackend device = new OpenClBackend(DeviceFixture.firstDevice(), true, 1);
             Network net = TestNets.build(TestNets.smallCnn(), 4, device, opt, 3);
             Network ref = TestNets.build(TestNets.smallCnn(), 4, new CpuBackend(1), opt, 3)) {
            float[][] data = TestNets.bands(64, 7);
            TestNets.step(net, opt, data, 0, 0.05f);
            float[] p = net.params().clone();
            for (int i = 0; i < p.length; i++) p[i] = i * 0.001f;
            net.setParams(p);
            device.transfers().reset();
            assertArrayEquals(p, net.params(), "parameters set on the host come back unchanged from the device");
            assertEquals(1, device.transfers().toHost());
            float[] host = new float[5];
            device.download(Arena.PARAMS, 10, host, 0, 5);
            assertArrayEquals(new float[]{0.010f, 0.011f, 0.012f, 0.013f, 0.014f}, host, 1e-7f);
            assertEquals(ref.paramCount(), net.paramCount());
        }
    }
}
