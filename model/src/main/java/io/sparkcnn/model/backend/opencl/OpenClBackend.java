package io.sparkcnn.model.backend.opencl;

import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.ActivationOp;
import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.BatchNormOp;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import io.sparkcnn.model.backend.DenseOp;
import io.sparkcnn.model.backend.LossOps;
import io.sparkcnn.model.backend.OptimizerOps;
import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.backend.PoolOp;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.backend.cpu.CpuBackend;

/**
 * The OpenCL backend: every op is a branch of one Aparapi program ({@link DeviceProgram})
 * whose buffers are the network's arenas, bound once; a step moves only the minibatch and
 * targets in and the loss out ({@link #transfers()} counts). One instance per network and
 * per task slot: Aparapi buffers belong to one kernel instance.
 *
 * <p>Never a silent fallback. The program is compiled for the chosen device at bind. If it
 * does not compile: strict mode throws {@link OpenClKernelException} naming the kernel, the
 * device and OpenCL's reason; otherwise the backend logs it once and every op runs on the
 * CPU backend over the same arenas (the program is one kernel, so the ops fail together).
 * A launch that Aparapi ends up running in Java threads always throws: the device state is
 * gone by then.
 */
public final class OpenClBackend implements Backend {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OpenClBackend.class);

    private final OpenCLDevice device;
    private final boolean strict;
    private final int cpuThreads;
    private Arenas arenas;
    private ProgramHost host;
    private CpuBackend fallback;
    private String fallbackReason;
    private TensorOps tensor;
    private LossOps loss;
    private OptimizerOps optimizer;

    public OpenClBackend(OpenCLDevice device, boolean strict, int cpuThreads) {
        this.device = device;
        this.strict = strict;
        this.cpuThreads = cpuThreads;
    }

    @Override
    public String name() { return "opencl"; }

    @Override
    public String deviceDescription() {
        String d = "OpenCL " + OpenClDevices.describe(device);
        return fallback == null ? d : d + " -- program failed to compile, ops run on " + fallback.deviceDescription()
                + " (" + fallbackReason + ")";
    }

    /** False when the program could not compile and the CPU backend runs the ops (non-strict mode only). */
    public boolean runsOnDevice() { return fallback == null; }

    public OpenCLDevice device() { return device; }

    /** Transfers and launches since bind (or the last reset). */
    public TransferCounter transfers() {
        if (host == null) throw new IllegalStateException("the backend is not bound to a network yet");
        return host.transfers;
    }

    @Override
    public void bind(Arenas arenas) {
        if (this.arenas != null) throw new IllegalStateException("a backend serves one network; create another");
        this.arenas = arenas;
        host = new ProgramHost(device);
        long t0 = System.nanoTime();
        try {
            host.compile();
        } catch (CompileFailedException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            String what = "kernel " + DeviceProgram.class.getSimpleName() + " failed to compile for " + OpenClDevices.describe(device)
                    + ": " + reason;
            if (strict) throw new OpenClKernelException(what, e);
            LOG.error("{}; non-strict mode: every op runs on the CPU backend", what);
            fallbackReason = reason;
            fallback = new CpuBackend(cpuThreads);
            fallback.bind(arenas);
            return;
        }
        host.bind(arenas);
        LOG.info("program {} compiled in {} ms; it runs on {}", DeviceProgram.class.getSimpleName(),
                (System.nanoTime() - t0) / 1_000_000, OpenClDevices.describe(device));
        tensor = new OpenClTensorOps(host);
        loss = new OpenClLossOps(host);
        optimizer = new OpenClOptimizerOps(host);
    }

    @Override
    public Arenas arenas() { return arenas; }

    @Override
    public void upload(Arena a, int offset, float[] src, int srcOffset, int length) {
        if (fallback != null) fallback.upload(a, offset, src, srcOffset, length);
        else host.upload(a, offset, src, srcOffset, length);
    }

    @Override
    public void download(Arena a, int offset, float[] dst, int dstOffset, int length) {
        if (fallback != null) fallback.download(a, offset, dst, dstOffset, length);
        else host.download(a, offset, dst, dstOffset, length);
    }

    @Override
    public float read(Arena a, int offset) {
        return fallback != null ? fallback.read(a, offset) : host.read(a, offset);
    }

    @Override
    public void pullToHost(Arena a) {
        if (fallback == null) host.pullToHost(a);
    }

    @Override
    public void pushToDevice(Arena a) {
        if (fallback == null) host.pushToDevice(a);
    }

    @Override
    public ConvOp conv(ConvGeom geom) {
        return fallback != null ? fallback.conv(geom) : new OpenClConvOp(host, geom);
    }

    @Override
    public DenseOp dense(int batch, int inFeatures, int outFeatures) {
        return fallback != null ? fallback.dense(batch, inFeatures, outFeatures) : new OpenClDenseOp(host, batch, inFeatures, outFeatures);
    }

    @Override
    public PoolOp pool(PoolGeom geom) {
        return fallback != null ? fallback.pool(geom) : new OpenClPoolOp(host, geom);
    }

    @Override
    public BatchNormOp batchNorm(int batch, int channels, int spatial, float eps, float momentum) {
        return fallback != null ? fallback.batchNorm(batch, channels, spatial, eps, momentum)
                : new OpenClBatchNormOp(host, batch, channels, spatial, eps, momentum);
    }

    @Override
    public ActivationOp activation(Activation kind, float alpha, int count) {
        return fallback != null ? fallback.activation(kind, alpha, count) : new OpenClActivationOp(host, kind, alpha, count);
    }

    @Override
    public TensorOps tensor() { return fallback != null ? fallback.tensor() : tensor; }

    @Override
    public LossOps loss() { return fallback != null ? fallback.loss() : loss; }

    @Override
    public OptimizerOps optimizer() { return fallback != null ? fallback.optimizer() : optimizer; }

    /** Aparapi's execute and get block until the device is done, so there is nothing queued to wait for. */
    @Override
    public void finish() {}

    @Override
    public void close() {
        if (host != null) host.dispose();
        if (fallback != null) fallback.close();
    }
}
