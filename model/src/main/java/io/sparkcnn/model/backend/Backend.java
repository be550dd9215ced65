package io.sparkcnn.model.backend;

/**
 * A compute backend (DJL's Engine idea): the only place that knows where memory lives and
 * how ops run. Layers ask it for op objects at build time, with the geometry fixed, and
 * then call them with offsets into the bound {@link Arenas}; a step allocates nothing.
 *
 * <p>Conventions for every op: offsets are element indices into the arena named in the op's
 * documentation; backward ops add into their outputs (dX and parameter gradients are zeroed
 * once per step by the network), forward ops overwrite theirs.
 */
public interface Backend extends AutoCloseable {

    /** "cpu" or "opencl". */
    String name();

    /** The device that runs this backend's ops, for logs and reports. */
    String deviceDescription();

    /** Binds the network's arenas. Called once, before any op is created. */
    void bind(Arenas arenas);

    Arenas arenas();

    /** Host array -> arena range. */
    void upload(Arena a, int offset, float[] src, int srcOffset, int length);

    /** Arena range -> host array. */
    void download(Arena a, int offset, float[] dst, int dstOffset, int length);

    /** One value of an arena (the loss, a norm). */
    float read(Arena a, int offset);

    /** Makes the host array of {@code a} hold the current values (a no-op on the CPU). */
    void pullToHost(Arena a);

    /** Sends the host array of {@code a} to where the ops read it (a no-op on the CPU). */
    void pushToDevice(Arena a);

    ConvOp conv(ConvGeom geom);

    DenseOp dense(int batch, int inFeatures, int outFeatures);

    PoolOp pool(PoolGeom geom);

    BatchNormOp batchNorm(int batch, int channels, int spatial, float eps, float momentum);

    ActivationOp activation(Activation kind, float alpha, int count);

    TensorOps tensor();

    LossOps loss();

    OptimizerOps optimizer();

    /** Waits for queued work (a device backend); a no-op on the CPU. */
    default void finish() {}

    @Override
    default void close() {}
}
