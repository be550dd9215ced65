package io.sparkcnn.model.backend.opencl;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLPlatform;

import java.util.ArrayList;
import java.util.List;

/**
 * The machine's OpenCL devices in a fixed order: GPUs and accelerators first (platform order,
 * then device order), CPU devices (pocl) after them. A device index, as the Spark job gets it
 * from a task's GPU address, counts in this order.
 * <p>
 * The platforms are enumerated once per JVM, under a lock. Aparapi's native
 * {@code OpenCLJNI.getPlatforms} crashes the JVM (SIGSEGV in libc) when two threads run it at
 * once, as the task slots of one executor do when each builds its backend: 4 of 6 runs of 8
 * threads crashed (docs/opencl.md, "Native crashes"). The lock is Aparapi's
 * {@code OpenCLPlatform} class: a JNI library is bound to one class loader per JVM, so that
 * class is the one monitor every caller of these natives in the JVM can share.
 */
public final class OpenClDevices {
    private static volatile List<OpenCLDevice> devices;

    private OpenClDevices() {}

    /** Every OpenCL device; empty when there is no OpenCL platform or no ICD loader. */
    public static List<OpenCLDevice> all() {
        List<OpenCLDevice> d = devices;
        if (d != null) return d;
        synchronized (OpenCLPlatform.class) {
            if (devices == null) devices = enumerate();
            return devices;
        }
    }

    /** Only under the lock: the native enumeration is not thread-safe. */
    private static List<OpenCLDevice> enumerate() {
        List<OpenCLDevice> fast = new ArrayList<>();
        List<OpenCLDevice> cpu = new ArrayList<>();
        List<OpenCLPlatform> platforms;
        try {
            platforms = OpenCLPlatform.getUncachedOpenCLPlatforms();
        } catch (Throwable noOpenCl) { // no libOpenCL / no native library: the same as no platform
            return List.of();
        }
        for (OpenCLPlatform p : platforms) {
            for (OpenCLDevice d : p.getOpenCLDevices()) {
                if (isAccelerator(d)) fast.add(d);
                else cpu.add(d);
            }
        }
        fast.addAll(cpu);
        return List.copyOf(fast);
    }

    /** GPUs and accelerators only: what {@code auto} may pick. */
    public static List<OpenCLDevice> accelerators() {
        List<OpenCLDevice> r = new ArrayList<>();
        for (OpenCLDevice d : all()) if (isAccelerator(d)) r.add(d);
        return r;
    }

    public static boolean isAccelerator(OpenCLDevice d) {
        return d.getType() == Device.TYPE.GPU || d.getType() == Device.TYPE.ACC;
    }

    /** "NVIDIA CUDA / NVIDIA H100 (GPU, 132 compute units, 80 GiB)". */
    public static String describe(OpenCLDevice d) {
        return d.getOpenCLPlatform().getName() + " / " + d.getName() + " (" + d.getType() + ", "
                + d.getMaxComputeUnits() + " compute units, " + (d.getGlobalMemSize() >> 20) + " MiB, max work-group "
                + d.getMaxWorkGroupSize() + ")";
    }

    /** A line per device with its index, for logs and error messages. */
    public static String list() {
        List<OpenCLDevice> all = all();
        if (all.isEmpty()) return "no OpenCL platform";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < all.size(); i++) sb.append(i == 0 ? "" : "; ").append(i).append(": ").append(describe(all.get(i)));
        return sb.toString();
    }
}
