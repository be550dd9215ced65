package io.sparkcnn.model.backend;

import com.aparapi.device.OpenCLDevice;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.backend.cpu.CpuConvChoice;
import io.sparkcnn.model.backend.opencl.OpenClBackend;
import io.sparkcnn.model.backend.opencl.OpenClDevices;

import java.util.List;
import java.util.Locale;

/**
 * Makes the backend a config names ({@code backend = auto | opencl | cpu}).
 * <ul>
 * <li>{@code auto}: an OpenCL GPU or accelerator when the machine has one (the
 * {@code deviceIndex}-th, counting GPUs and accelerators only), else the CPU backend. An
 * OpenCL CPU device (pocl) is never picked here: it runs these kernels far slower than the CPU
 * backend runs its BLAS.</li>
 * <li>{@code opencl}: the {@code deviceIndex}-th OpenCL device in {@link OpenClDevices} order
 * (GPUs and accelerators first, then CPU devices); no OpenCL device is an error.</li>
 * <li>{@code cpu}: the CPU backend with {@code cpuThreads} threads.</li>
 * </ul>
 * The chosen device is logged; {@link Backend#deviceDescription()} names it too.
 */
public final class Backends {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Backends.class);

    private Backends() {}

    public static Backend create(String kind, int deviceIndex, boolean strict, int cpuThreads) {
        return create(kind, deviceIndex, strict, cpuThreads, CpuConvChoice.AUTO);
    }

    /** cpuConv: how the CPU backend convolves (backend.cpuConv), when the CPU backend is the one made. */
    public static Backend create(String kind, int deviceIndex, boolean strict, int cpuThreads, CpuConvChoice cpuConv) {
        String k = kind == null ? "auto" : kind.trim().toLowerCase(Locale.ROOT);
        if (deviceIndex < 0) throw new IllegalArgumentException("device index must be >= 0, got " + deviceIndex);
        Backend b = switch (k) {
            case "cpu" -> new CpuBackend(cpuThreads, cpuConv);
            case "opencl" -> new OpenClBackend(pick(OpenClDevices.all(), deviceIndex, "OpenCL devices"), strict, cpuThreads);
            case "auto" -> {
                List<OpenCLDevice> accelerators = OpenClDevices.accelerators();
                if (accelerators.isEmpty()) {
                    LOG.info("backend=auto: no OpenCL GPU or accelerator ({}); using the CPU backend", OpenClDevices.list());
                    yield new CpuBackend(cpuThreads, cpuConv);
                }
                yield new OpenClBackend(pick(accelerators, deviceIndex, "OpenCL GPUs and accelerators"), strict, cpuThreads);
            }
            default -> throw new IllegalArgumentException("backend must be auto, opencl or cpu, got '" + kind + "'");
        };
        LOG.info("backend={} device index {}: {}", k, deviceIndex, b.deviceDescription());
        return b;
    }

    private static OpenCLDevice pick(List<OpenCLDevice> devices, int index, String what) {
        if (devices.isEmpty()) {
            throw new IllegalStateException("backend=opencl needs an OpenCL device, and this machine has none ("
                    + OpenClDevices.list() + "); install an OpenCL driver and ICD loader, or use backend=cpu");
        }
        if (index >= devices.size()) {
            throw new IllegalArgumentException("device index " + index + " but there are " + devices.size() + " " + what
                    + ": " + OpenClDevices.list());
        }
        return devices.get(index);
    }
}
