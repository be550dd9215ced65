package io.sparkcnn.model.backend.opencl;

import com.aparapi.device.OpenCLDevice;
import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Assumptions;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OpenCL backend and the CPU backend over arenas with the same contents, so one op call
 * on each can be compared region by region. Regions start at odd offsets. The OpenCL backend
 * is strict: a kernel that does not compile or falls back to Java threads fails the test.
 */
final class DeviceFixture implements AutoCloseable {
    /** Relative error allowed between the backends (max-norm, relative to the CPU output's largest value). */
    static final double TOLERANCE = 1e-4;

    final OpenClBackend device;
    final CpuBackend cpu;
    private final Arenas deviceArenas, cpuArenas;
    private final int[] top = new int[Arena.values().length];

    DeviceFixture(int size) {
        device = new OpenClBackend(firstDevice(), true, 1);
        cpu = new CpuBackend(2);
        deviceArenas = new Arenas(size, size, size, size);
        cpuArenas = new Arenas(size, size, size, size);
        device.bind(deviceArenas);
        cpu.bind(cpuArenas);
    }

    /** The device the tests run on: the first in OpenClDevices order; skips (only) when there is no OpenCL at all. */
    static OpenCLDevice firstDevice() {
        List<OpenCLDevice> all = OpenClDevices.all();
        Assumptions.assumeFalse(all.isEmpty(), "no OpenCL platform on this machine (install pocl-opencl-icd and "
                + "ocl-icd-libopencl1 to run the OpenCL tests)");
        return all.get(0);
    }

    /** Starts a case: both arenas zeroed, no regions. */
    void reset() {
        for (Arena a : Arena.values()) {
            Arrays.fill(deviceArenas.get(a), 0f);
            Arrays.fill(cpuArenas.get(a), 0f);
        }
        Arrays.fill(top, 3);
    }

    int alloc(Arena a, int n) {
        int off = top[a.ordinal()];
        top[a.ordinal()] += n + 5;
        if (top[a.ordinal()] > cpuArenas.size(a)) throw new IllegalStateException("fixture arena " + a + " too small");
        if (a == Arena.PARAMS) top[Arena.GRADS.ordinal()] = Math.max(top[Arena.GRADS.ordinal()], top[a.ordinal()]);
        if (a == Arena.GRADS) top[Arena.PARAMS.ordinal()] = Math.max(top[Arena.PARAMS.ordinal()], top[a.ordinal()]);
        return off;
    }

    /** A region of n uniform values in [lo, hi) in both arenas. */
    int random(Arena a, int n, SplittableRandom rng, double lo, double hi) {
        int off = alloc(a, n);
        fill(a, off, n, rng, lo, hi);
        return off;
    }

    void fill(Arena a, int off, int n, SplittableRandom rng, double lo, double hi) {
        for (int i = 0; i < n; i++) set(a, off + i, (float) (lo + (hi - lo) * rng.nextDouble()));
    }

    /** A region holding values in both arenas. */
    int put(Arena a, float[] values) {
        int off = alloc(a, values.length);
        for (int i = 0; i < values.length; i++) set(a, off + i, values[i]);
        return off;
    }

    void set(Arena a, int index, float v) {
        deviceArenas.get(a)[index] = v;
        cpuArenas.get(a)[index] = v;
    }

    /** Sends the prepared arenas to the device, runs the op on both backends and pulls everything back. */
    void run(Consumer<Backend> op) {
        for (Arena a : Arena.values()) device.pushToDevice(a);
        op.accept(cpu);
        op.accept(device);
        for (Arena a : Arena.values()) device.pullToHost(a);
    }

    /** Fails when the region differs by more than TOLERANCE relative to the CPU result's largest magnitude. */
    void compare(String what, Arena a, int off, int n) {
        float[] d = deviceArenas.get(a), c = cpuArenas.get(a);
        double scale = 1e-6, worst = 0;
        int at = -1;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(c[off + i]));
        for (int i = 0; i < n; i++) {
            double e = Math.abs((double) d[off + i] - c[off + i]);
            if (!(e <= worst)) {
                worst = e;
                at = i;
            }
        }
        if (!(worst / scale <= TOLERANCE)) {
            fail(what + ": relative error " + worst / scale + " at element " + at + " of " + n + " (opencl "
                    + d[off + at] + ", cpu " + c[off + at] + ", scale " + scale + ")");
        }
        assertTrue(n == 0 || scale > 1e-6, what + ": the CPU output is all zero, so the comparison proves nothing");
    }

    @Override
    public void close() {
        device.close();
        cpu.close();
    }
}
