package io.sparkcnn.model.backend.opencl;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelManager;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Arenas;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Owns one {@link DeviceProgram} on one device: the device copies of the arenas, the staging
 * arrays that carry minibatches and results, every launch and every transfer.
 *
 * <p>Residency. The program's array fields are the device buffers (Aparapi explicit mode:
 * nothing moves unless put/get say so). The device is told it does not share host memory,
 * so buffers are made with CL_MEM_COPY_HOST_PTR and every transfer is a real copy, as on a
 * discrete GPU: on pocl a forgotten put/get then shows up as wrong numbers instead of
 * passing by accident. Sub-range uploads: {@code put} sends a whole array, so an upload
 * copies into a small staging array (small one up to {@link #SMALL_STAGE} floats, a large
 * one sized by the largest upload), puts that, and a copy kernel moves it into the arena;
 * reads and downloads run the copy the other way and get only the staging array.
 *
 * <p>GC. Aparapi rebuilds a buffer from the host array whenever the array's address changed
 * since the last run; for state that lives on the device that host copy is stale. So the
 * arrays that hold state between launches (the five arenas and the scratch) are the host's
 * own twins, allocated here at least one G1 region long: G1 allocates those as humongous
 * objects, which it never moves. Staging arrays may move freely: they are put before every
 * use and read right after their kernel.
 */
final class ProgramHost {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProgramHost.class);

    /** Uploads up to this many floats (targets, labels) go through the small staging array. */
    static final int SMALL_STAGE = 4096;

    final DeviceProgram program = new DeviceProgram();
    final OpenCLDevice device;
    final TransferCounter transfers = new TransferCounter();
    /** 1-D work-group size: a power of two, at most DeviceProgram.GROUP. */
    final int group;
    /**
     * Work-groups of an elementwise launch: enough to fill a GPU (16 per compute unit), few on a
     * CPU device, where pocl pays per work-item for the program's barrier regions.
     */
    final int maxGroups;
    private final int minTwinLength;
    private final float[][] twins = new float[Arena.values().length][];
    private Arenas host;
    private boolean launched;

    ProgramHost(OpenCLDevice device) {
        this.device = device;
        device.setSharedMemory(false);
        program.allowOnly(device);
        program.setExplicit(true);
        int g = 1;
        while (g * 2 <= Math.min(DeviceProgram.GROUP, device.getMaxWorkGroupSize())) g *= 2;
        this.group = g;
        this.maxGroups = Math.max(1, device.getMaxComputeUnits() * (OpenClDevices.isAccelerator(device) ? 16 : 4));
        this.minTwinLength = humongousFloats();
    }

    /** Compiles the program for the device; throws with OpenCL's reason instead of falling back. */
    void compile() throws CompileFailedException {
        if (device.getMaxWorkGroupSize() < DeviceProgram.TILE * DeviceProgram.TILE) {
            throw new CompileFailedException("device " + device.getName() + " allows work-groups of "
                    + device.getMaxWorkGroupSize() + ", the GEMM kernels need " + DeviceProgram.TILE * DeviceProgram.TILE);
        }
        // Aparapi builds a kernel class's OpenCL source from shared, unsynchronized class models:
        // one build at a time per JVM (the task slots of an executor bind their backends together).
        synchronized (DeviceProgram.class) {
            program.compile(device);
        }
    }

    void bind(Arenas arenas) {
        this.host = arenas;
        for (Arena a : Arena.values()) {
            float[] h = arenas.get(a);
            float[] t = new float[Math.max(h.length, minTwinLength)];
            System.arraycopy(h, 0, t, 0, h.length);
            twins[a.ordinal()] = t;
        }
        program.params = twins[Arena.PARAMS.ordinal()];
        program.grads = twins[Arena.GRADS.ordinal()];
        program.buffers = twins[Arena.BUFFERS.ordinal()];
        program.acts = twins[Arena.ACTS.ordinal()];
        program.opt = twins[Arena.OPT.ordinal()];
        program.scratch = new float[Math.max(DeviceProgram.BN_SUMS, minTwinLength)];
        program.stageSmall = new float[SMALL_STAGE];
        program.stageLarge = new float[SMALL_STAGE];
        program.result = new float[1];
    }

    /** Called while ops are created: batch norm keeps two sums per channel in the scratch. */
    void reserveScratch(int floats) {
        if (program.scratch.length >= floats) return;
        if (launched) LOG.warn("scratch grows after the first launch: one extra buffer upload");
        program.scratch = new float[Math.max(floats, minTwinLength)];
    }

    // ---------------------------------------------------------------- ranges

    /**
     * 1-D over n items for the elementwise kernels, which loop with the grid's stride: at most
     * {@link #maxGroups} work-groups of {@link #group}. Cached, so ops called with run-time
     * sizes allocate no Range per call.
     */
    Range range1d(int n) {
        Range r = cached(KIND_1D, n);
        int groups = (int) Math.min(maxGroups, ((long) Math.max(n, 1) + group - 1) / group);
        return r != null ? r : remember(KIND_1D, n,
                checked(Range.create(device, groups * group, group), "1-D over " + n));
    }

    /** A reduction over n items by at most MAX_PARTIALS work-groups. */
    Range reduceRange(int n) {
        Range r = cached(KIND_REDUCE, n);
        return r != null ? r : remember(KIND_REDUCE, n,
                checked(Range.create(device, partials(n) * group, group), "reduction over " + n));
    }

    /** One work-group: the last pass of a reduction. */
    Range oneGroup() { return range1d(group); }

    int partials(int n) {
        int groups = (int) Math.min(DeviceProgram.MAX_PARTIALS, ((long) n + group - 1) / group);
        return Math.max(groups, 1);
    }

    /** One work-group per channel. */
    Range perChannel(int channels) {
        Range r = cached(KIND_CHANNEL, channels);
        return r != null ? r : remember(KIND_CHANNEL, channels,
                checked(Range.create(device, Math.max(channels, 1) * group, group), "per channel " + channels));
    }

    private static final int KIND_1D = 1, KIND_REDUCE = 2, KIND_CHANNEL = 3, CACHE = 32;
    private final long[] cacheKeys = new long[CACHE];
    private final Range[] cacheRanges = new Range[CACHE];
    private int cacheNext;

    private Range cached(int kind, int n) {
        long key = ((long) kind << 32) | (n & 0xFFFFFFFFL);
        for (int i = 0; i < CACHE; i++) if (cacheKeys[i] == key && cacheRanges[i] != null) return cacheRanges[i];
        return null;
    }

    private Range remember(int kind, int n, Range r) {
        cacheKeys[cacheNext] = ((long) kind << 32) | (n & 0xFFFFFFFFL);
        cacheRanges[cacheNext] = r;
        cacheNext = (cacheNext + 1) % CACHE;
        return r;
    }

    /** A GEMM launch: which kernel, its range, and its work-groups along N and M. */
    record Gemm(int op, Range range, int colGroups, int rowGroups) {}

    /**
     * The register-blocked kernel (64x64 tiles) when both output dimensions fill its tiles,
     * else the 16x16 one, which wastes less on thin products (5 output channels, a batch of 8).
     */
    Gemm gemm(int m, int n, int groups) {
        int tile = m >= DeviceProgram.BLOCK && n >= DeviceProgram.BLOCK ? DeviceProgram.BLOCK : DeviceProgram.TILE;
        int cols = roundUp(n, tile) / tile, rows = roundUp(m, tile) / tile;
        int local = DeviceProgram.TILE * DeviceProgram.TILE;
        Range r = checked(Range.create(device, Math.multiplyExact(cols * rows, groups) * local, local), "GEMM " + m + "x" + n);
        return new Gemm(tile == DeviceProgram.BLOCK ? DeviceProgram.OP_GEMM_BLOCKED : DeviceProgram.OP_GEMM, r, cols, rows);
    }

    void launch(Gemm gemm, String what) {
        program.mColGroups = gemm.colGroups();
        program.mRowGroups = gemm.rowGroups();
        launch(gemm.op(), gemm.range(), what);
    }

    /** groupsPerRow work-groups of {@link #group} for each of rows (one input channel each, for instance). */
    Range rows(int rows, int groupsPerRow) {
        return checked(Range.create(device, Math.multiplyExact(rows, groupsPerRow) * group, group), rows + " rows");
    }

    private static Range checked(Range r, String what) {
        if (!r.isValid()) throw new OpenClKernelException("invalid OpenCL range for " + what + ": " + r);
        return r;
    }

    static int roundUp(int n, int m) { return (n + m - 1) / m * m; }

    // ---------------------------------------------------------------- launches

    /** Runs op over range and fails loudly when Aparapi did not run it on the device. */
    void launch(int op, Range range, String what) {
        if (!launched) {
            // The first run creates every buffer from its array: that is the arenas' upload.
            for (float[] t : twins) transfers.countToDevice(t.length);
            transfers.countToDevice(program.scratch.length);
            launched = true;
        }
        program.op = op;
        execute(program, range, device, what);
        transfers.countLaunch();
    }

    /**
     * Runs kernel over range (a range made for device) and throws unless it ran there as
     * OpenCL. With a device-bound range, Aparapi's fallback surfaces as an AssertionError
     * from execute; without one it silently reruns in Java threads: both end here as
     * {@link OpenClKernelException}.
     */
    static void execute(Kernel kernel, Range range, OpenCLDevice device, String what) {
        try {
            kernel.execute(range);
        } catch (RuntimeException | AssertionError e) {
            throw new OpenClKernelException("kernel " + kernel.getClass().getSimpleName() + " (" + what
                    + ") failed on " + device.getName() + ": " + e.getMessage(), e);
        }
        requireRanOnDevice(kernel, device, what);
    }

    /**
     * Throws unless kernel's last execute ran as OpenCL on device: Aparapi reports a failure
     * only as a log warning, marks the device failed for the kernel class and reruns the kernel
     * in Java threads. Checks both isRunningCL() and the class's failed-devices list (with a
     * second OpenCL device present, isRunningCL() alone would stay true).
     */
    static void requireRanOnDevice(Kernel kernel, OpenCLDevice device, String what) {
        List<Device> failed = KernelManager.instance().getPreferences(kernel).getFailedDevices();
        if (!kernel.isRunningCL() || failed.contains(device)) {
            throw new OpenClKernelException("kernel " + kernel.getClass().getSimpleName() + " (" + what
                    + ") did not run as OpenCL on " + device.getName()
                    + ": Aparapi fell back to " + kernel.getTargetDevice() + " (failed devices " + failed
                    + "); the Aparapi warning above gives OpenCL's reason");
        }
    }

    // ---------------------------------------------------------------- transfers

    void upload(Arena a, int offset, float[] src, int srcOffset, int length) {
        if (length == 0) return;
        float[] stage = stageFor(length);
        System.arraycopy(src, srcOffset, stage, 0, length);
        program.put(stage);
        transfers.countToDevice(stage.length);
        copy(stage == program.stageSmall ? DeviceProgram.STAGE_SMALL : DeviceProgram.STAGE_LARGE, 0,
                a.ordinal(), offset, length, range1d(length), "upload");
    }

    void download(Arena a, int offset, float[] dst, int dstOffset, int length) {
        if (length == 0) return;
        float[] stage = stageFor(length);
        copy(a.ordinal(), offset, stage == program.stageSmall ? DeviceProgram.STAGE_SMALL : DeviceProgram.STAGE_LARGE, 0,
                length, range1d(length), "download");
        program.get(stage);
        transfers.countToHost(stage.length);
        System.arraycopy(stage, 0, dst, dstOffset, length);
    }

    float read(Arena a, int offset) {
        copy(a.ordinal(), offset, DeviceProgram.RESULT, 0, 1, range1d(1), "read");
        program.get(program.result);
        transfers.countToHost(1);
        return program.result[0];
    }

    void pullToHost(Arena a) {
        float[] t = twins[a.ordinal()];
        if (launched) {
            program.get(t);
            transfers.countToHost(t.length);
        }
        float[] h = host.get(a);
        System.arraycopy(t, 0, h, 0, h.length);
    }

    void pushToDevice(Arena a) {
        float[] t = twins[a.ordinal()];
        float[] h = host.get(a);
        System.arraycopy(h, 0, t, 0, h.length);
        if (launched) { // before the first launch the buffers are created from the twins anyway
            program.put(t);
            transfers.countToDevice(t.length);
            // Aparapi only marks the array; the write happens at the next launch. Launch now, so a
            // get that follows (before any op) reads what was pushed.
            launch(DeviceProgram.OP_NOP, range1d(1), "push");
        }
    }

    private float[] stageFor(int length) {
        if (length <= SMALL_STAGE) return program.stageSmall;
        if (program.stageLarge.length < length) program.stageLarge = new float[length];
        return program.stageLarge;
    }

    private void copy(int from, int fromOff, int to, int toOff, int n, Range r, String what) {
        program.arena = from;
        program.o0 = fromOff;
        program.arena2 = to;
        program.o1 = toOff;
        program.n = n;
        launch(DeviceProgram.OP_COPY, r, what);
    }

    void dispose() { program.dispose(); }

    /** At least one G1 region of floats under G1 (humongous: never moved), else 1. */
    private static int humongousFloats() {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (!Boolean.parseBoolean(hs.getVMOption("UseG1GC").getValue())) {
                LOG.warn("not running G1: device-resident arrays may be moved by the GC, and Aparapi would then rebuild "
                        + "a device buffer from a stale host copy; run executors with -XX:+UseG1GC");
                return 1;
            }
            long region = Long.parseLong(hs.getVMOption("G1HeapRegionSize").getValue());
            return (int) Math.min(Integer.MAX_VALUE - 8, region / 4);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the GC settings ({}); device-resident arrays are not padded", e.toString());
            return 1;
        }
    }
}
