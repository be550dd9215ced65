package io.sparkcnn.model.backend.opencl;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.Backends;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.optim.Optimizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Never a silent fallback: a kernel Aparapi cannot run on the device is an error in strict
 * mode that names the kernel and the reason, a logged switch to the CPU backend otherwise;
 * and the factory picks devices as documented.
 */
class OpenClFallbackTest {

    /** A kernel Aparapi cannot translate (it calls a method of an object): Aparapi would run it in Java threads. */
    static class UntranslatableKernel extends Kernel {
        final float[] out = new float[64];
        final StringBuilder log = new StringBuilder();

        @Override
        public void run() {
            int i = getGlobalId();
            out[i] = log.length() + i;
        }
    }

    /** The same, as a second class: Aparapi remembers a failure per kernel class. */
    static final class SecondUntranslatableKernel extends UntranslatableKernel {}

    @Test
    void aKernelAparapiRanInJavaThreadsIsAnErrorNamingIt() {
        OpenCLDevice device = DeviceFixture.firstDevice();
        UntranslatableKernel k = new UntranslatableKernel();
        try {
            k.execute(Range.create(64, 16)); // no device in the range: Aparapi's own choice, then its silent fallback
            assertEquals(63f, k.out[63], "Aparapi did run it, in Java threads: exactly what must not pass silently");
            OpenClKernelException e = assertThrows(OpenClKernelException.class,
                    () -> ProgramHost.requireRanOnDevice(k, device, "test op"));
            assertTrue(e.getMessage().contains("UntranslatableKernel") && e.getMessage().contains("test op"), e.getMessage());
        } finally {
            k.dispose();
        }
    }

    @Test
    void aKernelThatCannotRunOnTheRangesDeviceIsAnErrorNamingIt() {
        OpenCLDevice device = DeviceFixture.firstDevice();
        SecondUntranslatableKernel k = new SecondUntranslatableKernel();
        try {
            OpenClKernelException e = assertThrows(OpenClKernelException.class,
                    () -> ProgramHost.execute(k, Range.create(device, 64, 16), device, "test op"));
            assertTrue(e.getMessage().contains("SecondUntranslatableKernel") && e.getMessage().contains("test op"), e.getMessage());
        } finally {
            k.dispose();
        }
    }

    @Test
    void strictModeRefusesADeviceTheProgramCannotRunOn() {
        OpenCLDevice tooSmall = DeviceFixture.firstDevice();
        tooSmall.setMaxWorkGroupSize(64); // the GEMM tiles need 256 work-items per group
        try (OpenClBackend b = new OpenClBackend(tooSmall, true, 1)) {
            OpenClKernelException e = assertThrows(OpenClKernelException.class, () -> b.bind(new io.sparkcnn.model.backend.Arenas(8, 8, 8, 8)));
            assertTrue(e.getMessage().contains("DeviceProgram") && e.getMessage().contains("work-group"), e.getMessage());
        }
    }

    @Test
    void nonStrictModeRunsEveryOpOnTheCpuBackendAndSaysSo() {
        OpenCLDevice tooSmall = DeviceFixture.firstDevice();
        tooSmall.setMaxWorkGroupSize(64);
        Optimizer opt = TestNets.sgd();
        float[][] data = TestNets.bands(64, 8);
        try (OpenClBackend b = new OpenClBackend(tooSmall, false, 1);
             Network net = TestNets.build(TestNets.smallCnn(), 8, b, opt, 3);
             Network ref = TestNets.build(TestNets.smallCnn(), 8, new CpuBackend(1), opt, 3)) {
            assertFalse(b.runsOnDevice());
            assertTrue(b.deviceDescription().contains("failed to compile") && b.deviceDescription().contains("CPU"),
                    b.deviceDescription());
            for (int s = 0; s < 5; s++) {
                assertEquals(TestNets.step(ref, opt, data, s, 0.05f), TestNets.step(net, opt, data, s, 0.05f));
            }
            assertArrayEquals(ref.params(), net.params());
        }
    }

    @Test
    void factoryPicksDevicesAsDocumented() {
        DeviceFixture.firstDevice();
        try (Backend cpu = Backends.create("cpu", 0, true, 1)) {
            assertInstanceOf(CpuBackend.class, cpu);
        }
        try (Backend auto = Backends.create("auto", 0, true, 1)) {
            // auto never picks an OpenCL CPU device (pocl): a GPU or accelerator, or the CPU backend
            if (OpenClDevices.accelerators().isEmpty()) assertInstanceOf(CpuBackend.class, auto);
            else assertTrue(OpenClDevices.isAccelerator(((OpenClBackend) auto).device()));
        }
        try (Backend cl = Backends.create("opencl", 0, true, 1)) {
            assertInstanceOf(OpenClBackend.class, cl);
            assertTrue(cl.deviceDescription().startsWith("OpenCL "), cl.deviceDescription());
        }
        int count = OpenClDevices.all().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("opencl", count, true, 1));
        assertTrue(e.getMessage().contains("device index " + count), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.create("cuda", 0, true, 1));
    }
}
