package io.sparkcnn.model.backend.cpu;

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

/**
 * The CPU backend: the arenas are the working memory; convolutions run through oneDNN, as
 * im2col + SGEMM or as direct Vector API loops ({@link CpuConvChoice}), dense layers as SGEMM through {@link Blas} (native
 * OpenBLAS when installed), the rest as plain Java loops split over {@link CpuContext}'s threads.
 */
public final class CpuBackend implements Backend {
    private final CpuContext ctx;
    private final CpuConvChoice convChoice;
    private Arenas arenas;
    private TensorOps tensor;
    private LossOps loss;
    private OptimizerOps optimizer;

    public CpuBackend() { this(Runtime.getRuntime().availableProcessors()); }

    public CpuBackend(int threads) { this(threads, CpuConvChoice.AUTO); }

    public CpuBackend(int threads, CpuConvChoice convChoice) {
        this.ctx = new CpuContext(threads);
        this.convChoice = convChoice;
        if (convChoice != CpuConvChoice.GEMM) Dnnl.warnIfTeamDiffers(threads);
    }

    @Override
    public String name() { return "cpu"; }

    /** The ids of the worker threads that run the ops' slices besides the calling thread. */
    public long[] workerThreadIds() { return ctx.workerThreadIds(); }

    /** The context the ops share, for op tests that build an op directly. */
    CpuContext context() { return ctx; }

    @Override
    public String deviceDescription() {
        // auto's one-channel layers run on the Vector API where the JVM has it, which changes their arithmetic too
        String conv = switch (convChoice) {
            case GEMM -> "";
            case DNNL -> ", convolutions dnnl (" + Dnnl.description() + ")";
            case AUTO -> ", convolutions auto (" + Dnnl.description() + "; " + VectorApi.description() + ")";
        };
        return "CPU, " + ctx.threads() + " threads, BLAS " + Blas.description() + conv;
    }

    @Override
    public void bind(Arenas arenas) {
        if (this.arenas != null) throw new IllegalStateException("a backend serves one network; create another");
        this.arenas = arenas;
        ctx.bind(arenas);
        tensor = new CpuTensorOps(ctx);
        loss = new CpuLossOps(ctx);
        optimizer = new CpuOptimizerOps(ctx);
    }

    @Override
    public Arenas arenas() { return arenas; }

    @Override
    public void upload(Arena a, int offset, float[] src, int srcOffset, int length) {
        System.arraycopy(src, srcOffset, arenas.get(a), offset, length);
    }

    @Override
    public void download(Arena a, int offset, float[] dst, int dstOffset, int length) {
        System.arraycopy(arenas.get(a), offset, dst, dstOffset, length);
    }

    @Override
    public float read(Arena a, int offset) { return arenas.get(a)[offset]; }

    @Override
    public void pullToHost(Arena a) {}

    @Override
    public void pushToDevice(Arena a) {}

    @Override
    public ConvOp conv(ConvGeom geom) { return new CpuConvOp(ctx, geom, convChoice); }

    @Override
    public DenseOp dense(int batch, int inFeatures, int outFeatures) { return new CpuDenseOp(ctx, batch, inFeatures, outFeatures); }

    @Override
    public PoolOp pool(PoolGeom geom) { return new CpuPoolOp(ctx, geom); }

    @Override
    public BatchNormOp batchNorm(int batch, int channels, int spatial, float eps, float momentum) {
        return new CpuBatchNormOp(ctx, batch, channels, spatial, eps, momentum);
    }

    @Override
    public ActivationOp activation(Activation kind, float alpha, int count) { return new CpuActivationOp(ctx, kind, alpha, count); }

    @Override
    public TensorOps tensor() { return tensor; }

    @Override
    public LossOps loss() { return loss; }

    @Override
    public OptimizerOps optimizer() { return optimizer; }

    @Override
    public void close() { ctx.close(); }
}
