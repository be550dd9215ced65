package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.algorithm;
import static org.bytedeco.dnnl.global.dnnl.prop_kind;

/**
 * Convolution through oneDNN's direct kernels, the ones PyTorch's CPU convolutions run: the
 * primitive picks a blocked layout (channels in blocks of 8 or 16) and JIT AVX2/AVX-512 code,
 * which im2col + SGEMM cannot reach because it writes and re-reads the column matrix. Each pass
 * copies its arena inputs into off-heap buffers in the arenas' order, reorders them to the
 * primitive's layout, runs, and reorders and copies the result back; the outputs that the
 * {@link ConvOp} contract accumulates (dx, dw, db, and y when asked) are added on the heap
 * ({@link DnnlOperand}: both on the thread team).
 * The primitives are made once, with the op; a call allocates nothing.
 */
final class DnnlConv implements ConvOp {
    private final CpuContext ctx;
    private final ConvGeom g;
    private final stream stream;
    private final int inCount, outCount, weightCount;
    private final float[] zeroBias;

    private final primitive forward, backwardData, backwardWeights;
    private final DnnlOperand fSrc, fWeights, fBias, fDst;
    private final DnnlOperand dDiffDst, dWeights, dDiffSrc;
    private final DnnlOperand wSrc, wDiffDst, wDiffWeights, wDiffBias;
    private final IntMemoryMap forwardArgs = new IntMemoryMap(), backwardDataArgs = new IntMemoryMap(),
            backwardWeightsArgs = new IntMemoryMap();
    private final String implementations;
    private int boundGeneration = -1;

    /** Throws (with oneDNN's status) when oneDNN has no implementation for this geometry. */
    DnnlConv(CpuContext ctx, ConvGeom g) {
        this.ctx = ctx;
        this.g = g;
        this.stream = new stream(Dnnl.engine());
        this.inCount = g.n() * g.inSize();
        this.outCount = g.n() * g.outSize();
        this.weightCount = g.weightCount();
        this.zeroBias = new float[g.k()];

        boolean planar = g.id() == 1 && g.kd() == 1 && g.pd() == 0;
        long[] src = planar ? new long[]{g.n(), g.c(), g.ih(), g.iw()} : new long[]{g.n(), g.c(), g.id(), g.ih(), g.iw()};
        long[] dst = planar ? new long[]{g.n(), g.k(), g.oh(), g.ow()} : new long[]{g.n(), g.k(), g.od(), g.oh(), g.ow()};
        long[] kernel = planar ? new long[]{g.kh(), g.kw()} : new long[]{g.kd(), g.kh(), g.kw()};
        long[] weights = weightDims(g, kernel);
        long[] strides = planar ? new long[]{g.sh(), g.sw()} : new long[]{g.sd(), g.sh(), g.sw()};
        long[] dilates = planar ? new long[]{g.dh() - 1, g.dw() - 1} : new long[]{g.dd() - 1, g.dh() - 1, g.dw() - 1};
        long[] pads = planar ? new long[]{g.ph(), g.pw()} : new long[]{g.pd(), g.ph(), g.pw()};

        memory.format_tag act = planar ? memory.format_tag.nchw : memory.format_tag.ncdhw;
        memory.format_tag wei = g.groups() > 1 ? (planar ? memory.format_tag.goihw : memory.format_tag.goidhw)
                : (planar ? memory.format_tag.oihw : memory.format_tag.oidhw);
        memory.desc srcPlain = desc(src, act), dstPlain = desc(dst, act), weiPlain = desc(weights, wei);
        memory.desc biasPlain = desc(new long[]{g.k()}, memory.format_tag.a);
        memory.desc srcAny = desc(src, memory.format_tag.any), dstAny = desc(dst, memory.format_tag.any),
                weiAny = desc(weights, memory.format_tag.any);

        var fwdPd = new convolution_forward.primitive_desc(Dnnl.engine(), prop_kind.forward_training,
                algorithm.convolution_direct, srcAny, weiAny, biasPlain, dstAny, strides, dilates, pads, pads);
        var bwdDataPd = new convolution_backward_data.primitive_desc(Dnnl.engine(), algorithm.convolution_direct,
                srcAny, weiAny, dstAny, strides, dilates, pads, pads, fwdPd);
        var bwdWeightsPd = new convolution_backward_weights.primitive_desc(Dnnl.engine(), algorithm.convolution_direct,
                srcAny, weiAny, biasPlain, dstAny, strides, dilates, pads, pads, fwdPd);
        if (plainPointwiseCandidate(g)) {
            // the same passes on the arenas' own layout; kept only where oneDNN runs them as its AVX-512 matmul
            var plainFwdPd = new convolution_forward.primitive_desc(Dnnl.engine(), prop_kind.forward_training,
                    algorithm.convolution_direct, srcPlain, weiAny, biasPlain, dstPlain, strides, dilates, pads, pads);
            var plainBwdDataPd = new convolution_backward_data.primitive_desc(Dnnl.engine(), algorithm.convolution_direct,
                    srcPlain, weiAny, dstPlain, strides, dilates, pads, pads, plainFwdPd);
            if (plainMatmulKernel(plainFwdPd.impl_info_str().getString())) fwdPd = plainFwdPd;
            if (plainMatmulKernel(plainBwdDataPd.impl_info_str().getString())) bwdDataPd = plainBwdDataPd;
        }
        implementations = fwdPd.impl_info_str().getString() + " / " + bwdDataPd.impl_info_str().getString()
                + " / " + bwdWeightsPd.impl_info_str().getString();
        forward = new convolution_forward(fwdPd);
        backwardData = new convolution_backward_data(bwdDataPd);
        backwardWeights = new convolution_backward_weights(bwdWeightsPd);

        fSrc = new DnnlOperand(ctx, srcPlain, fwdPd.src_desc(), inCount);
        fWeights = new DnnlOperand(ctx, weiPlain, fwdPd.weights_desc(), weightCount);
        fBias = new DnnlOperand(ctx, biasPlain, fwdPd.bias_desc(), g.k());
        fDst = new DnnlOperand(ctx, dstPlain, fwdPd.dst_desc(), outCount);
        dDiffDst = new DnnlOperand(ctx, dstPlain, bwdDataPd.diff_dst_desc(), outCount);
        dWeights = new DnnlOperand(ctx, weiPlain, bwdDataPd.weights_desc(), weightCount);
        dDiffSrc = new DnnlOperand(ctx, srcPlain, bwdDataPd.diff_src_desc(), inCount);
        wSrc = new DnnlOperand(ctx, srcPlain, bwdWeightsPd.src_desc(), inCount);
        wDiffDst = new DnnlOperand(ctx, dstPlain, bwdWeightsPd.diff_dst_desc(), outCount);
        wDiffWeights = new DnnlOperand(ctx, weiPlain, bwdWeightsPd.diff_weights_desc(), weightCount);
        wDiffBias = new DnnlOperand(ctx, biasPlain, bwdWeightsPd.diff_bias_desc(), g.k());

        long forwardBytes = fSrc.bytes() + fWeights.bytes() + fBias.bytes() + fDst.bytes();
        long dataBytes = dDiffDst.bytes() + dWeights.bytes() + dDiffSrc.bytes();
        long weightsBytes = wSrc.bytes() + wDiffDst.bytes() + wDiffWeights.bytes() + wDiffBias.bytes();
        ctx.nativeScratch().reserve(Math.max(forwardBytes, Math.max(dataBytes, weightsBytes)));
        ctx.reserveScratch(Math.max(Math.max(inCount, outCount), weightCount + g.k()));
    }

    /**
     * A 1x1 convolution at stride 1 over planes of at least {@link #PLAIN_POINTWISE_MIN_PLANE} cells:
     * oneDNN can run its forward and backward-data as one matmul per image straight on the arenas'
     * (N,C,H,W) order, which skips the reorders of the activations both ways. Measured on AVX-512
     * (2026-12-04, 2 threads, batch 8, ResNet-50 and MobileNet-v1's 1x1 layers): 0.68-0.92 of the
     * blocked kernels' time from 28x28 up (64->256 at 56x56: forward 6.8 against 9.2 ms, backward-data
     * 7.1 against 10.8), about even at 14x14 (0.92-1.02) and 1.16-1.44 at 7x7. Backward-weights stays
     * blocked: the plain one took 1.1-1.9x as long.
     */
    static boolean plainPointwiseCandidate(ConvGeom g) {
        return g.id() == 1 && g.kd() == 1 && g.pd() == 0 && g.kh() == 1 && g.kw() == 1 && g.sh() == 1 && g.sw() == 1
                && g.ph() == 0 && g.pw() == 0 && g.dh() == 1 && g.dw() == 1 && g.groups() == 1
                && g.oh() * g.ow() >= PLAIN_POINTWISE_MIN_PLANE;
    }

    /** 28x28: the smallest plane where the plain matmul measured ahead on every 1x1 layer tried. */
    static final int PLAIN_POINTWISE_MIN_PLANE = 28 * 28;

    /**
     * oneDNN's name for a plain-layout convolution it runs as its AVX-512 matmul
     * ("jit_uni_ncsp:matmul+brg_matmul:avx512_core"). Other CPUs' plain kernels were not measured, so
     * they keep the blocked ones.
     */
    static boolean plainMatmulKernel(String implementation) {
        return implementation.contains("matmul") && implementation.contains("avx512");
    }

    /** (K, C/g, kernel) for one group, (G, K/g, C/g, kernel) for several: the same floats either way. */
    private static long[] weightDims(ConvGeom g, long[] kernel) {
        int head = g.groups() > 1 ? 3 : 2;
        long[] d = new long[head + kernel.length];
        if (g.groups() > 1) {
            d[0] = g.groups();
            d[1] = g.k() / g.groups();
            d[2] = g.c() / g.groups();
        } else {
            d[0] = g.k();
            d[1] = g.c();
        }
        System.arraycopy(kernel, 0, d, head, kernel.length);
        return d;
    }

    private static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** oneDNN's names of the kernels it chose, forward / backward-data / backward-weights (e.g. "jit:avx512_core"). */
    String implementations() { return implementations; }

    @Override
    public ConvGeom geom() { return g; }

    @Override
    public void forward(int x, int w, int b, int y, boolean accumulate) {
        bind();
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS);
        fSrc.load(stream, acts, x);
        fWeights.load(stream, params, w);
        if (b >= 0) fBias.load(stream, params, b);
        else fBias.load(stream, zeroBias, 0);
        forward.execute(stream, forwardArgs);
        fDst.unpack(stream);
        stream._wait();
        if (accumulate) fDst.addTo(acts, y);
        else fDst.copyTo(acts, y);
    }

    @Override
    public void backwardData(int dy, int w, int dx) {
        bind();
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS);
        dDiffDst.load(stream, acts, dy);
        dWeights.load(stream, params, w);
        backwardData.execute(stream, backwardDataArgs);
        dDiffSrc.unpack(stream);
        stream._wait();
        dDiffSrc.addTo(acts, dx);
    }

    @Override
    public void backwardWeights(int x, int dy, int dw, int db) {
        bind();
        float[] acts = ctx.array(Arena.ACTS), grads = ctx.array(Arena.GRADS);
        wSrc.load(stream, acts, x);
        wDiffDst.load(stream, acts, dy);
        backwardWeights.execute(stream, backwardWeightsArgs);
        wDiffWeights.unpack(stream);
        if (db >= 0) wDiffBias.unpack(stream);
        stream._wait();
        wDiffWeights.addTo(grads, dw);
        if (db >= 0) wDiffBias.addTo(grads, db);
    }

    /** Points every operand at the shared off-heap scratch: at the first call and after it was made anew. */
    private void bind() {
        NativeScratch scratch = ctx.nativeScratch();
        int generation = scratch.generation();
        if (generation == boundGeneration) return;
        long at = 0;
        for (DnnlOperand o : new DnnlOperand[]{fSrc, fWeights, fBias, fDst}) { o.bind(scratch, at); at += o.bytes(); }
        at = 0;
        for (DnnlOperand o : new DnnlOperand[]{dDiffDst, dWeights, dDiffSrc}) { o.bind(scratch, at); at += o.bytes(); }
        at = 0;
        for (DnnlOperand o : new DnnlOperand[]{wSrc, wDiffDst, wDiffWeights, wDiffBias}) { o.bind(scratch, at); at += o.bytes(); }
        if (boundGeneration < 0) {
            forwardArgs.put(DNNL_ARG_SRC, fSrc.inner()).put(DNNL_ARG_WEIGHTS, fWeights.inner())
                    .put(DNNL_ARG_BIAS, fBias.inner()).put(DNNL_ARG_DST, fDst.inner());
            backwardDataArgs.put(DNNL_ARG_DIFF_DST, dDiffDst.inner()).put(DNNL_ARG_WEIGHTS, dWeights.inner())
                    .put(DNNL_ARG_DIFF_SRC, dDiffSrc.inner());
            backwardWeightsArgs.put(DNNL_ARG_SRC, wSrc.inner()).put(DNNL_ARG_DIFF_DST, wDiffDst.inner())
                    .put(DNNL_ARG_DIFF_WEIGHTS, wDiffWeights.inner()).put(DNNL_ARG_DIFF_BIAS, wDiffBias.inner());
        }
        boundGeneration = generation;
    }
}
