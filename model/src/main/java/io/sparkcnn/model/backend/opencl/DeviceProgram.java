package io.sparkcnn.model.backend.opencl;

import com.aparapi.Kernel;
import com.aparapi.device.Device;

/**
 * The one OpenCL program of an {@link OpenClBackend}: every op of the engine as a branch of
 * {@link #run()}, chosen by {@link #op}. Aparapi 3.0.2 gives each Kernel instance its own
 * cl_context and buffers, and named entry points do not work, so one class with an op code
 * and the five arenas as fields is what keeps data resident between layers.
 *
 * <p>Rules this class lives by (Aparapi turns it into OpenCL C): only int/float locals and
 * 1-D primitive array fields; {@code 0.5f}-style literals and Kernel's own math (a double
 * literal would make the program double precision); no break/continue/early return; every
 * barrier is reached by the whole work-group (guards instead of early exits).
 *
 * <p>Elementwise kernels loop with the grid's stride, so a launch needs no more work-items than
 * the device can keep busy ({@link ProgramHost#range1d}).
 *
 * <p>Fields are the kernel's arguments: the host sets the ones an op documents, then launches.
 * Arena codes: 0 PARAMS, 1 GRADS, 2 BUFFERS, 3 ACTS, 4 OPT (the {@code Arena} ordinals), then
 * the host-transfer arrays 5 STAGE_SMALL, 6 STAGE_LARGE, 7 SCRATCH (device-only), 8 RESULT.
 */
final class DeviceProgram extends Kernel {
    static final int PARAMS = 0, GRADS = 1, BUFFERS = 2, ACTS = 3, OPT = 4;
    static final int STAGE_SMALL = 5, STAGE_LARGE = 6, SCRATCH = 7, RESULT = 8;

    /** GEMM tile edge: work-groups of TILE x TILE, each work-item one output. */
    static final int TILE = 16;
    /** Largest 1-D work-group; reductions run with a power of two no larger than this. */
    static final int GROUP = 256;
    /** Output tile edge of the register-blocked GEMM: 16x16 work-items, each a 4x4 block of outputs. */
    static final int BLOCK = 64;
    /** Reduction depth of one step of the register-blocked GEMM. */
    static final int BLOCK_K = 16;
    /** Weights of one input channel the backward-data convolution keeps in local memory. */
    static final int WEIGHT_TILE = 1024;
    /** Work-groups of a two-pass reduction; partial sums go to scratch[0..MAX_PARTIALS) and [MAX_PARTIALS..2*MAX_PARTIALS). */
    static final int MAX_PARTIALS = 64;
    /** scratch[DENOMINATOR]: the divisor of the mean loss, read by the gradient pass. */
    static final int DENOMINATOR = 2 * MAX_PARTIALS;
    /** scratch[BN_SUMS + 2c], [BN_SUMS + 2c + 1]: per-channel sums of batch-norm backward. */
    static final int BN_SUMS = DENOMINATOR + 1;

    static final int OP_NOP = 0, OP_FILL = 1, OP_SCALE = 2, OP_COPY = 3, OP_ADD = 4, OP_ACCUMULATE = 5,
            OP_ADD_BIAS = 6, OP_CHANNEL_SUM = 7, OP_INTO_CHANNELS = 8, OP_FROM_CHANNELS = 9,
            OP_DROPOUT_FORWARD = 10, OP_DROPOUT_BACKWARD = 11, OP_UPSAMPLE_FORWARD = 12, OP_UPSAMPLE_BACKWARD = 13,
            OP_ACTIVATION_FORWARD = 14, OP_ACTIVATION_BACKWARD = 15,
            OP_GEMM = 20, OP_CONV_BACKWARD_DATA = 21, OP_GEMM_BLOCKED = 22,
            OP_POOL_FORWARD = 30, OP_POOL_BACKWARD = 31,
            OP_BN_STATS = 40, OP_BN_NORMALIZE = 41, OP_BN_BACKWARD_SUMS = 42, OP_BN_BACKWARD_DX = 43,
            OP_CE_PARTIAL = 50, OP_LOSS_FINAL = 51, OP_CE_GRAD = 52, OP_BCE = 53, OP_MSE = 54, OP_SMOOTH_L1 = 55,
            OP_SUMSQ_PARTIAL = 60, OP_SUMSQ_FINAL = 61,
            OP_SGD = 70, OP_ADAGRAD = 71, OP_RMSPROP = 72, OP_ADAM = 73;

    /** Activation kinds (the {@code Activation} ordinals). */
    static final int RELU = 0, LEAKY_RELU = 1, SIGMOID = 2, TANH = 3;

    /** GEMM operand layouts. */
    static final int STRIDED = 0, CONV_ACT = 1, IM2COL = 2, IM2COL_T = 3;

    // ---- arenas and transfer arrays (bound once; see OpenClBackend) ----
    float[] params = new float[1];
    float[] grads = new float[1];
    float[] buffers = new float[1];
    float[] acts = new float[1];
    float[] opt = new float[1];
    float[] stageSmall = new float[1];
    float[] stageLarge = new float[1];
    float[] scratch = new float[1];
    float[] result = new float[1];

    // ---- local memory ----
    @Local final float[] tileA = new float[TILE * TILE];
    @Local final float[] tileB = new float[TILE * TILE];
    @Local final float[] blockA = new float[BLOCK_K * BLOCK];
    @Local final float[] blockB = new float[BLOCK_K * BLOCK];
    @Local final float[] weightTile = new float[WEIGHT_TILE];
    @Local final float[] sumA = new float[GROUP];
    @Local final float[] sumB = new float[GROUP];

    // ---- arguments ----
    int op;
    /** Element count of elementwise ops; reduction length. */
    int n;
    /** Arena codes of the first and second operand. */
    int arena, arena2;
    /** Offsets: meaning per op, documented at each kernel. */
    int o0, o1, o2, o3, o4, o5, o6, o7;
    /** Small integer arguments: meaning per op. */
    int i0, i1, i2, i3, i4, i5;
    /** Float arguments: meaning per op. */
    float f0, f1, f2, f3, f4, f5, f6;

    // Convolution / pooling geometry: in (N,C,D,H,W), weights (K,C/G,KD,KH,KW), out (N,K,OD,OH,OW).
    int gN, gC, gD, gH, gW, gK, gKD, gKH, gKW, gSD, gSH, gSW, gPD, gPH, gPW, gDD, gDH, gDW, gOD, gOH, gOW, gCg, gKg;

    // GEMM: C[g](M x N) (+)= A[g](M x K) B[g](K x N) (+ bias), per group g = global id 2.
    int mM, mN, mK;
    int aMode, aArena, aOff, aRs, aCs, aGs;
    int bMode, bArena, bOff, bRs, bCs, bGs;
    int cMode, cArena, cOff, cRs, cCs, cGs;
    /** Work-groups along N and along M: the GEMMs run on a 1-D range of colGroups * rowGroups * groups work-groups. */
    int mColGroups, mRowGroups;
    /** 1: add into C; 0: overwrite. */
    int accumulate;
    /** 0 none, 1 per row (conv), 2 per column (dense); bias in PARAMS at biasOff. */
    int biasMode, biasOff;

    /** The one device this instance may run on; Aparapi's default preferences would otherwise pick any. */
    private Device allowed;

    void allowOnly(Device d) { allowed = d; }

    /** Vetoes every other device, so that a failure on ours leaves no OpenCL device and isRunningCL() says so. */
    @Override
    public boolean isAllowDevice(Device d) { return allowed == null || allowed.equals(d); }

    @Override
    public void run() {
        int o = op;
        if (o == OP_FILL) fill();
        else if (o == OP_SCALE) scale();
        else if (o == OP_COPY) copy();
        else if (o == OP_ADD) add();
        else if (o == OP_ACCUMULATE) accumulateActs();
        else if (o == OP_ADD_BIAS) addBias();
        else if (o == OP_CHANNEL_SUM) channelSum();
        else if (o == OP_INTO_CHANNELS) intoChannels();
        else if (o == OP_FROM_CHANNELS) fromChannels();
        else if (o == OP_DROPOUT_FORWARD) dropoutForward();
        else if (o == OP_DROPOUT_BACKWARD) dropoutBackward();
        else if (o == OP_UPSAMPLE_FORWARD) upsampleForward();
        else if (o == OP_UPSAMPLE_BACKWARD) upsampleBackward();
        else if (o == OP_ACTIVATION_FORWARD) activationForward();
        else if (o == OP_ACTIVATION_BACKWARD) activationBackward();
        else if (o == OP_GEMM) gemm();
        else if (o == OP_GEMM_BLOCKED) gemmBlocked();
        else if (o == OP_CONV_BACKWARD_DATA) convBackwardData();
        else if (o == OP_POOL_FORWARD) poolForward();
        else if (o == OP_POOL_BACKWARD) poolBackward();
        else if (o == OP_BN_STATS) bnStats();
        else if (o == OP_BN_NORMALIZE) bnNormalize();
        else if (o == OP_BN_BACKWARD_SUMS) bnBackwardSums();
        else if (o == OP_BN_BACKWARD_DX) bnBackwardDx();
        else if (o == OP_CE_PARTIAL) crossEntropyPartial();
        else if (o == OP_LOSS_FINAL) lossFinal();
        else if (o == OP_CE_GRAD) crossEntropyGrad();
        else if (o == OP_BCE) elementLoss(0);
        else if (o == OP_MSE) elementLoss(1);
        else if (o == OP_SMOOTH_L1) elementLoss(2);
        else if (o == OP_SUMSQ_PARTIAL) sumSquaresPartial();
        else if (o == OP_SUMSQ_FINAL) sumSquaresFinal();
        else if (o == OP_SGD) sgd();
        else if (o == OP_ADAGRAD) adagrad();
        else if (o == OP_RMSPROP) rmsprop();
        else if (o == OP_ADAM) adam();
    }

    // ---------------------------------------------------------------- arena access

    private float ld(int a, int i) {
        float v = 0f;
        if (a == ACTS) v = acts[i];
        else if (a == PARAMS) v = params[i];
        else if (a == GRADS) v = grads[i];
        else if (a == BUFFERS) v = buffers[i];
        else if (a == OPT) v = opt[i];
        else if (a == STAGE_SMALL) v = stageSmall[i];
        else if (a == STAGE_LARGE) v = stageLarge[i];
        else if (a == SCRATCH) v = scratch[i];
        else v = result[i];
        return v;
    }

    private void st(int a, int i, float v) {
        if (a == ACTS) acts[i] = v;
        else if (a == PARAMS) params[i] = v;
        else if (a == GRADS) grads[i] = v;
        else if (a == BUFFERS) buffers[i] = v;
        else if (a == OPT) opt[i] = v;
        else if (a == STAGE_SMALL) stageSmall[i] = v;
        else if (a == STAGE_LARGE) stageLarge[i] = v;
        else if (a == SCRATCH) scratch[i] = v;
        else result[i] = v;
    }

    /** Tree sum of the work-group's values of sumA; every work-item gets the total. */
    private float groupSumA(float v) {
        int lid = getLocalId(0);
        sumA[lid] = v;
        localBarrier();
        for (int s = getLocalSize(0) / 2; s > 0; s = s / 2) {
            if (lid < s) sumA[lid] = sumA[lid] + sumA[lid + s];
            localBarrier();
        }
        float total = sumA[0];
        localBarrier();
        return total;
    }

    private float groupSumB(float v) {
        int lid = getLocalId(0);
        sumB[lid] = v;
        localBarrier();
        for (int s = getLocalSize(0) / 2; s > 0; s = s / 2) {
            if (lid < s) sumB[lid] = sumB[lid] + sumB[lid + s];
            localBarrier();
        }
        float total = sumB[0];
        localBarrier();
        return total;
    }

    // ---------------------------------------------------------------- tensor ops

    /** arena[o0 .. o0+n) = f0. */
    private void fill() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) st(arena, o0 + i, f0);
    }

    /** arena[o0 .. o0+n) *= f0. */
    private void scale() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) st(arena, o0 + i, ld(arena, o0 + i) * f0);
    }

    /** arena2[o1 .. o1+n) = arena[o0 .. o0+n): uploads, downloads, reads and ACTS copies. */
    private void copy() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) st(arena2, o1 + i, ld(arena, o0 + i));
    }

    /** acts[o2+i] = acts[o0+i] + acts[o1+i]. */
    private void add() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) acts[o2 + i] = acts[o0 + i] + acts[o1 + i];
    }

    /** acts[o1+i] += acts[o0+i]. */
    private void accumulateActs() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) acts[o1 + i] = acts[o1 + i] + acts[o0 + i];
    }

    /** y (N,C,S) at acts[o1] += bias (C) at params[o0]; i0 = C, i1 = S, n = N*C*S. */
    private void addBias() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int c = (i / i1) % i0;
            acts[o1 + i] = acts[o1 + i] + params[o0 + c];
        }
    }

    /** One work-group per channel: grads[o1+c] += sum over N and S of acts[o0] (N,C,S); i0 = N, i1 = C, i2 = S. */
    private void channelSum() {
        int c = getGroupId(0);
        int lid = getLocalId(0);
        int ls = getLocalSize(0);
        int m = i0 * i2;
        float s = 0f;
        for (int j = lid; j < m; j += ls) {
            int b = j / i2;
            s += acts[o0 + (b * i1 + c) * i2 + (j - b * i2)];
        }
        float total = groupSumA(s);
        if (lid == 0) grads[o1 + c] = grads[o1 + c] + total;
    }

    /** src (N,srcC,S) at o0 -> channels [i3, i3+srcC) of dst (N,dstC,S) at o1; i0 srcC, i1 dstC, i2 S; n = N*srcC*S. */
    private void intoChannels() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int per = i0 * i2;
            int b = i / per;
            int r = i - b * per;
            acts[o1 + b * i1 * i2 + i3 * i2 + r] = acts[o0 + i];
        }
    }

    /** dsrc (N,srcC,S) at o1 += slice of ddst (N,dstC,S) at o0; same sizes as {@link #intoChannels}. */
    private void fromChannels() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int per = i0 * i2;
            int b = i / per;
            int r = i - b * per;
            acts[o1 + i] = acts[o1 + i] + acts[o0 + b * i1 * i2 + i3 * i2 + r];
        }
    }

    /** The DropoutHash mix of (seed, index): i0 = the host-folded seed. */
    private float uniform(int index) {
        int h = i0;
        h ^= index * 0x85EBCA6B;
        h ^= h >>> 16;
        h *= 0x7FEB352D;
        h ^= h >>> 15;
        h *= 0x846CA68B;
        h ^= h >>> 16;
        return (h >>> 8) * 5.9604645E-8f;
    }

    /** mask (o1) = keep ? f1 : 0, y (o2) = x (o0) * mask; f0 = p, f1 = 1/(1-p). */
    private void dropoutForward() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            float m = 0f;
            if (uniform(i) >= f0) m = f1;
            acts[o1 + i] = m;
            acts[o2 + i] = acts[o0 + i] * m;
        }
    }

    /** dx (o2) += dy (o1) * mask (o0). */
    private void dropoutBackward() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) acts[o2 + i] = acts[o2 + i] + acts[o1 + i] * acts[o0 + i];
    }

    /** Source coordinate of output o for bilinear align_corners=false with integer scale s, clamped at 0. */
    private float sourceCoordinate(int o, int s) {
        float src = ((float) o + 0.5f) / (float) s - 0.5f;
        return max(src, 0f);
    }

    /**
     * x (N,C,H,W) at o0 -> y (N,C,H*sh,W*sw) at o1; i0 = 1 for bilinear, i1 = H, i2 = W, i3 = sh, i4 = sw;
     * n = N*C*OH*OW.
     */
    private void upsampleForward() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int oh = i1 * i3, ow = i2 * i4;
            int ox = i % ow;
            int t = i / ow;
            int oy = t % oh;
            int plane = t / oh;
            int base = o0 + plane * i1 * i2;
            float v = 0f;
            if (i0 == 0) {
                v = acts[base + (oy / i3) * i2 + ox / i4];
            } else {
                float sy = sourceCoordinate(oy, i3), sx = sourceCoordinate(ox, i4);
                int y0 = (int) sy, x0 = (int) sx;
                int y1 = min(y0 + 1, i1 - 1), x1 = min(x0 + 1, i2 - 1);
                float ly = sy - (float) y0, lx = sx - (float) x0;
                v = (1f - ly) * ((1f - lx) * acts[base + y0 * i2 + x0] + lx * acts[base + y0 * i2 + x1])
                        + ly * ((1f - lx) * acts[base + y1 * i2 + x0] + lx * acts[base + y1 * i2 + x1]);
            }
            acts[o1 + i] = v;
        }
    }

    /** Bilinear weight that output coordinate o gives input coordinate h (0 when it does not touch it). */
    private float bilinearWeight(int o, int s, int h, int size) {
        float src = sourceCoordinate(o, s);
        int c0 = (int) src;
        int c1 = min(c0 + 1, size - 1);
        float l1 = src - (float) c0;
        float w = 0f;
        if (c0 == h) w += 1f - l1;
        if (c1 == h) w += l1;
        return w;
    }

    /** dx (N,C,H,W) at o1 += adjoint of the upsampling of dy at o0, gathered per input element; n = N*C*H*W. */
    private void upsampleBackward() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int oh = i1 * i3, ow = i2 * i4;
            int x = i % i2;
            int t = i / i2;
            int y = t % i1;
            int plane = t / i1;
            int base = o0 + plane * oh * ow;
            float acc = 0f;
            if (i0 == 0) {
                for (int dy = 0; dy < i3; dy++) {
                    for (int dx = 0; dx < i4; dx++) acc += acts[base + (y * i3 + dy) * ow + x * i4 + dx];
                }
            } else {
                int yLo = max(0, (y - 1) * i3), yHi = min(oh, (y + 2) * i3);
                int xLo = max(0, (x - 1) * i4), xHi = min(ow, (x + 2) * i4);
                for (int oy = yLo; oy < yHi; oy++) {
                    float wy = bilinearWeight(oy, i3, y, i1);
                    if (wy != 0f) {
                        for (int ox = xLo; ox < xHi; ox++) {
                            float wx = bilinearWeight(ox, i4, x, i2);
                            acc += wy * wx * acts[base + oy * ow + ox];
                        }
                    }
                }
            }
            acts[o1 + i] = acts[o1 + i] + acc;
        }
    }

    /** y (o1) = f(x (o0)); i0 = kind, f0 = leaky slope. */
    private void activationForward() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            float x = acts[o0 + i];
            float y = 0f;
            if (i0 == RELU) y = max(x, 0f);
            else if (i0 == LEAKY_RELU) y = x > 0f ? x : f0 * x;
            else if (i0 == SIGMOID) y = 1f / (1f + exp(-x));
            else y = tanh(x);
            acts[o1 + i] = y;
        }
    }

    /** dx (o3) += f'(x (o0), y (o1)) * dy (o2). */
    private void activationBackward() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            float d = 0f;
            if (i0 == RELU) d = acts[o0 + i] > 0f ? 1f : 0f;
            else if (i0 == LEAKY_RELU) d = acts[o0 + i] > 0f ? 1f : f0;
            else if (i0 == SIGMOID) d = acts[o1 + i] * (1f - acts[o1 + i]);
            else d = 1f - acts[o1 + i] * acts[o1 + i];
            acts[o3 + i] = acts[o3 + i] + d * acts[o2 + i];
        }
    }

    // ---------------------------------------------------------------- GEMM and convolution

    /**
     * The input value of im2col row r (channel within group, kernel position) and column p
     * (example, output position) for group g; 0 in the padding. x (N,C,D,H,W) at acts[xOff].
     */
    private float im2col(int xOff, int g, int r, int p) {
        int kx = r % gKW;
        int t = r / gKW;
        int ky = t % gKH;
        t = t / gKH;
        int kz = t % gKD;
        int c = t / gKD;
        int ox = p % gOW;
        int u = p / gOW;
        int oy = u % gOH;
        u = u / gOH;
        int oz = u % gOD;
        int b = u / gOD;
        int z = oz * gSD - gPD + kz * gDD;
        int y = oy * gSH - gPH + ky * gDH;
        int x = ox * gSW - gPW + kx * gDW;
        float v = 0f;
        if (z >= 0 && z < gD && y >= 0 && y < gH && x >= 0 && x < gW) {
            v = acts[xOff + (((b * gC + g * gCg + c) * gD + z) * gH + y) * gW + x];
        }
        return v;
    }

    /**
     * im2col row r for an output position already split into its example's group-channel base
     * offset and window corner (z0, y0, x0); 0 in the padding.
     */
    private float im2colAt(int base, int z0, int y0, int x0, int r) {
        int kx = r % gKW;
        int t = r / gKW;
        int ky = t % gKH;
        t = t / gKH;
        int kz = t % gKD;
        int c = t / gKD;
        int z = z0 + kz * gDD;
        int y = y0 + ky * gDH;
        int x = x0 + kx * gDW;
        float v = 0f;
        if (z >= 0 && z < gD && y >= 0 && y < gH && x >= 0 && x < gW) v = acts[base + ((c * gD + z) * gH + y) * gW + x];
        return v;
    }

    /** The input value at (z, y, x) of the channel plane starting at acts[plane]; 0 outside (padding). */
    private float inputAt(int plane, int z, int y, int x) {
        float v = 0f;
        if (z >= 0 && z < gD && y >= 0 && y < gH && x >= 0 && x < gW) v = acts[plane + (z * gH + y) * gW + x];
        return v;
    }

    /** Offset of im2col row r's input channel plane (group g) within one example. */
    private int kernelRowChannel(int g, int r) {
        return (g * gCg + r / (gKD * gKH * gKW)) * gD * gH * gW;
    }

    /** im2col row r's offset from the window corner along depth, height and width (dilated). */
    private int kernelRowZ(int r) { return ((r / (gKH * gKW)) % gKD) * gDD; }

    private int kernelRowY(int r) { return ((r / gKW) % gKH) * gDH; }

    private int kernelRowX(int r) { return (r % gKW) * gDW; }

    /** Index of (channel row ch of group g, column p = example * OS + position) in an (N,K,OS) activation. */
    private int convActIndex(int off, int g, int ch, int p) {
        int os = gOD * gOH * gOW;
        int b = p / os;
        return off + (b * gK + g * gKg + ch) * os + (p - b * os);
    }

    private float loadA(int g, int m, int k) {
        float v = 0f;
        if (aMode == CONV_ACT) v = acts[convActIndex(aOff, g, m, k)];
        else v = ld(aArena, aOff + g * aGs + m * aRs + k * aCs);
        return v;
    }

    private float loadB(int g, int k, int c) {
        float v = 0f;
        if (bMode == IM2COL) v = im2col(bOff, g, k, c);
        else if (bMode == IM2COL_T) v = im2col(bOff, g, c, k);
        else v = ld(bArena, bOff + g * bGs + k * bRs + c * bCs);
        return v;
    }

    /**
     * Tiled GEMM: C[g] (M x N) (+)= A[g] (M x K) B[g] (K x N) + bias. Work-group TILE x TILE,
     * work-groups of 256 on a 1-D range (tiles along N, then M, then groups; every op uses the same
     * local size, so pocl builds one work-group function); each work-item owns one output and accumulates the
     * whole K range, so weight gradients need no atomics. Tiles of A and B go through local
     * memory; an operand whose contiguous axis is K is read with the work-item's x id along K
     * (aRs == 1 / bRs == 1 select the transposed load) so global reads stay coalesced.
     * Conv forward: A = w (K/G, C/G*KD*KH*KW), B = im2col(x), C = y (N,K,OD,OH,OW).
     * Conv weight grad: A = dy as (K/G, N*OS), B = im2col(x)^T, C = dw.
     */
    private void gemm() {
        int lid = getLocalId(0);
        int lx = lid % TILE, ly = lid / TILE;
        int grp = getGroupId(0);
        int rest = grp / mColGroups;
        int g = rest / mRowGroups;
        int colBase = (grp - rest * mColGroups) * TILE, rowBase = (rest - g * mRowGroups) * TILE;
        int col = colBase + lx, row = rowBase + ly;
        int aByRow = aMode == STRIDED && aRs == 1 ? 1 : 0;
        int bByCol = bMode == STRIDED && bRs == 1 ? 1 : 0;
        float acc = 0f;
        for (int k0 = 0; k0 < mK; k0 += TILE) {
            // tileA[(m - rowBase) * TILE + (k - k0)]
            if (aByRow == 1) {
                int m = rowBase + lx, k = k0 + ly;
                float v = 0f;
                if (m < mM && k < mK) v = loadA(g, m, k);
                tileA[lx * TILE + ly] = v;
            } else {
                int k = k0 + lx;
                float v = 0f;
                if (row < mM && k < mK) v = loadA(g, row, k);
                tileA[ly * TILE + lx] = v;
            }
            // tileB[(k - k0) * TILE + (c - colBase)]
            if (bByCol == 1) {
                int k = k0 + lx, c = colBase + ly;
                float v = 0f;
                if (k < mK && c < mN) v = loadB(g, k, c);
                tileB[lx * TILE + ly] = v;
            } else {
                int k = k0 + ly;
                float v = 0f;
                if (k < mK && col < mN) v = loadB(g, k, col);
                tileB[ly * TILE + lx] = v;
            }
            localBarrier();
            for (int kk = 0; kk < TILE; kk++) acc = fma(tileA[ly * TILE + kk], tileB[kk * TILE + lx], acc);
            localBarrier();
        }
        storeC(g, row, col, acc);
    }

    /** C[g][row, col] (+)= acc + bias, skipping the padding rows and columns of the last tiles. */
    private void storeC(int g, int row, int col, float acc) {
        if (row < mM && col < mN) {
            float v = acc;
            if (biasMode == 1) v += params[biasOff + g * mM + row];
            else if (biasMode == 2) v += params[biasOff + col];
            int idx = 0;
            if (cMode == CONV_ACT) idx = convActIndex(cOff, g, row, col);
            else idx = cOff + g * cGs + row * cRs + col * cCs;
            if (accumulate == 1) v += ld(cArena, idx);
            st(cArena, idx, v);
        }
    }

    /**
     * The same product as {@link #gemm()} for large M and N: work-groups of 16x16 compute a
     * 64x64 output tile, each work-item a 4x4 block in registers (rows ly + 16i, columns
     * lx + 16j, so stores stay coalesced and local reads conflict-free); 64x16 slices of A and
     * 16x64 of B go through local memory, each work-item loading 4 elements of each along the
     * operand's contiguous axis. Work-groups of 256 on a 1-D range, tiles ordered as in {@link #gemm()}.
     */
    private void gemmBlocked() {
        int t = getLocalId(0);
        int lx = t % TILE, ly = t / TILE;
        int grp = getGroupId(0);
        int rest = grp / mColGroups;
        int g = rest / mRowGroups;
        int colBase = (grp - rest * mColGroups) * BLOCK, rowBase = (rest - g * mRowGroups) * BLOCK;
        int aAlongM = aMode == CONV_ACT || (aMode == STRIDED && aRs == 1) ? 1 : 0;
        int bAlongK = bMode == IM2COL_T || (bMode == STRIDED && bRs == 1) ? 1 : 0;
        // Forward convolution: every load of this work-item's B slice is in column colBase + t % 64
        // (the k-row changes, the output position does not), so split the position once here.
        int pBase = 0, pz = 0, py = 0, px = 0;
        int pcol = colBase + t % BLOCK;
        if (bMode == IM2COL && pcol < mN) {
            int ox = pcol % gOW;
            int u = pcol / gOW;
            int oy = u % gOH;
            u = u / gOH;
            int oz = u % gOD;
            int b = u / gOD;
            pBase = bOff + (b * gC + g * gCg) * gD * gH * gW;
            pz = oz * gSD - gPD;
            py = oy * gSH - gPH;
            px = ox * gSW - gPW;
        }
        // Weight gradient: the work-item's four B columns (kernel rows r) stay fixed, so split
        // them once; per step only the shared position k0 + t % 16 is split.
        int r0 = colBase + t / BLOCK_K, r1 = r0 + 16, r2 = r0 + 32, r3 = r0 + 48;
        int rc0 = 0, rc1 = 0, rc2 = 0, rc3 = 0, rz0 = 0, rz1 = 0, rz2 = 0, rz3 = 0;
        int ry0 = 0, ry1 = 0, ry2 = 0, ry3 = 0, rx0 = 0, rx1 = 0, rx2 = 0, rx3 = 0;
        if (bMode == IM2COL_T) {
            rc0 = kernelRowChannel(g, r0); rz0 = kernelRowZ(r0); ry0 = kernelRowY(r0); rx0 = kernelRowX(r0);
            rc1 = kernelRowChannel(g, r1); rz1 = kernelRowZ(r1); ry1 = kernelRowY(r1); rx1 = kernelRowX(r1);
            rc2 = kernelRowChannel(g, r2); rz2 = kernelRowZ(r2); ry2 = kernelRowY(r2); rx2 = kernelRowX(r2);
            rc3 = kernelRowChannel(g, r3); rz3 = kernelRowZ(r3); ry3 = kernelRowY(r3); rx3 = kernelRowX(r3);
        }
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = 0; k0 < mK; k0 += BLOCK_K) {
            int sBase = 0, sz = 0, sy = 0, sx = 0;
            int sp = k0 + t % BLOCK_K;
            if (bMode == IM2COL_T && sp < mK) {
                int ox = sp % gOW;
                int u = sp / gOW;
                int oy = u % gOH;
                u = u / gOH;
                int oz = u % gOD;
                sBase = bOff + (u / gOD) * gC * gD * gH * gW;
                sz = oz * gSD - gPD;
                sy = oy * gSH - gPH;
                sx = ox * gSW - gPW;
            }
            for (int q = 0; q < 4; q++) {
                int idx = t + q * TILE * TILE;
                int m = idx / BLOCK_K, ka = idx % BLOCK_K;
                if (aAlongM == 1) {
                    m = idx % BLOCK;
                    ka = idx / BLOCK;
                }
                float va = 0f;
                if (rowBase + m < mM && k0 + ka < mK) va = loadA(g, rowBase + m, k0 + ka);
                blockA[ka * BLOCK + m] = va;
                int c = idx % BLOCK, kb = idx / BLOCK;
                if (bAlongK == 1) {
                    c = idx / BLOCK_K;
                    kb = idx % BLOCK_K;
                }
                float vb = 0f;
                if (colBase + c < mN && k0 + kb < mK) {
                    if (bMode == IM2COL) {
                        vb = im2colAt(pBase, pz, py, px, k0 + kb);
                    } else if (bMode == IM2COL_T) {
                        int rc = rc0, rz = rz0, ry = ry0, rx = rx0;
                        if (q == 1) {
                            rc = rc1; rz = rz1; ry = ry1; rx = rx1;
                        } else if (q == 2) {
                            rc = rc2; rz = rz2; ry = ry2; rx = rx2;
                        } else if (q == 3) {
                            rc = rc3; rz = rz3; ry = ry3; rx = rx3;
                        }
                        vb = inputAt(sBase + rc, sz + rz, sy + ry, sx + rx);
                    } else {
                        vb = loadB(g, k0 + kb, colBase + c);
                    }
                }
                blockB[kb * BLOCK + c] = vb;
            }
            localBarrier();
            for (int kk = 0; kk < BLOCK_K; kk++) {
                int ab = kk * BLOCK + ly, bb = kk * BLOCK + lx;
                float a0 = blockA[ab], a1 = blockA[ab + 16], a2 = blockA[ab + 32], a3 = blockA[ab + 48];
                float b0 = blockB[bb], b1 = blockB[bb + 16], b2 = blockB[bb + 32], b3 = blockB[bb + 48];
                c00 = fma(a0, b0, c00); c01 = fma(a0, b1, c01); c02 = fma(a0, b2, c02); c03 = fma(a0, b3, c03);
                c10 = fma(a1, b0, c10); c11 = fma(a1, b1, c11); c12 = fma(a1, b2, c12); c13 = fma(a1, b3, c13);
                c20 = fma(a2, b0, c20); c21 = fma(a2, b1, c21); c22 = fma(a2, b2, c22); c23 = fma(a2, b3, c23);
                c30 = fma(a3, b0, c30); c31 = fma(a3, b1, c31); c32 = fma(a3, b2, c32); c33 = fma(a3, b3, c33);
            }
            localBarrier();
        }
        int r = rowBase + ly;
        int c = colBase + lx;
        storeC(g, r, c, c00); storeC(g, r, c + 16, c01); storeC(g, r, c + 32, c02); storeC(g, r, c + 48, c03);
        storeC(g, r + 16, c, c10); storeC(g, r + 16, c + 16, c11); storeC(g, r + 16, c + 32, c12); storeC(g, r + 16, c + 48, c13);
        storeC(g, r + 32, c, c20); storeC(g, r + 32, c + 16, c21); storeC(g, r + 32, c + 32, c22); storeC(g, r + 32, c + 48, c23);
        storeC(g, r + 48, c, c30); storeC(g, r + 48, c + 16, c31); storeC(g, r + 48, c + 32, c32); storeC(g, r + 48, c + 48, c33);
    }

    /**
     * dx (N,C,D,H,W) at o2 += conv^T(dy (N,K,OD,OH,OW) at o0, w at params[o1]). A direct gather:
     * i1 work-groups per input channel along N*D*H*W, one work-item per input element, no atomics. The work-group
     * shares one input channel, so its weights w[k, c, :] for the group's K/G output channels
     * go through local memory in chunks of WEIGHT_TILE; consecutive work-items read
     * consecutive dy elements. i0 = 1 when a channel's weights fit the tile at least once.
     */
    private void convBackwardData() {
        int lid = getLocalId(0);
        int ls = getLocalSize(0);
        int c = getGroupId(0) / i1;
        int pos = (getGroupId(0) - c * i1) * ls + lid;
        int spatial = gD * gH * gW;
        int total = gN * spatial;
        int g = c / gCg;
        int cl = c - g * gCg;
        int kvol = gKD * gKH * gKW;
        int ovol = gOD * gOH * gOW;
        int b = pos / spatial;
        int r = pos - b * spatial;
        int x = r % gW;
        int t = r / gW;
        int y = t % gH;
        int z = t / gH;
        float acc = 0f;
        int perChunk = i0 == 1 ? WEIGHT_TILE / kvol : gKg;
        for (int k0 = 0; k0 < gKg; k0 += perChunk) {
            int kc = min(perChunk, gKg - k0);
            if (i0 == 1) {
                for (int j = lid; j < kc * kvol; j += ls) {
                    int kk = j / kvol;
                    weightTile[j] = params[o1 + ((g * gKg + k0 + kk) * gCg + cl) * kvol + (j - kk * kvol)];
                }
                localBarrier();
            }
            if (pos < total) {
                for (int kz = 0; kz < gKD; kz++) {
                    int tz = z + gPD - kz * gDD;
                    int oz = tz / gSD;
                    if (tz >= 0 && oz * gSD == tz && oz < gOD) {
                        for (int ky = 0; ky < gKH; ky++) {
                            int ty = y + gPH - ky * gDH;
                            int oy = ty / gSH;
                            if (ty >= 0 && oy * gSH == ty && oy < gOH) {
                                for (int kx = 0; kx < gKW; kx++) {
                                    int tx = x + gPW - kx * gDW;
                                    int ox = tx / gSW;
                                    if (tx >= 0 && ox * gSW == tx && ox < gOW) {
                                        int kp = (kz * gKH + ky) * gKW + kx;
                                        int dyBase = o0 + (b * gK + g * gKg + k0) * ovol + (oz * gOH + oy) * gOW + ox;
                                        for (int kk = 0; kk < kc; kk++) {
                                            float w = 0f;
                                            if (i0 == 1) w = weightTile[kk * kvol + kp];
                                            else w = params[o1 + ((g * gKg + k0 + kk) * gCg + cl) * kvol + kp];
                                            acc = fma(w, acts[dyBase + kk * ovol], acc);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if (i0 == 1) localBarrier();
        }
        if (pos < total) {
            int idx = o2 + (b * gC + c) * spatial + r;
            acts[idx] = acts[idx] + acc;
        }
    }

    // ---------------------------------------------------------------- pooling

    /**
     * x (N,C,D,H,W) at o0 -> y (N,C,OD,OH,OW) at o1, argmax (index in the input plane, as
     * float) at o2 for max pooling (i0 = 1); i1 = 1 counts padding in the average. n = N*C*OD*OH*OW.
     */
    private void poolForward() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int ox = i % gOW;
            int t = i / gOW;
            int oy = t % gOH;
            t = t / gOH;
            int oz = t % gOD;
            int plane = t / gOD;
            int base = o0 + plane * gD * gH * gW;
            float best = 0f;
            int bestIdx = -1;
            float sum = 0f;
            int count = 0;
            for (int kz = 0; kz < gKD; kz++) {
                int z = oz * gSD - gPD + kz;
                for (int ky = 0; ky < gKH; ky++) {
                    int y = oy * gSH - gPH + ky;
                    for (int kx = 0; kx < gKW; kx++) {
                        int x = ox * gSW - gPW + kx;
                        if (z >= 0 && z < gD && y >= 0 && y < gH && x >= 0 && x < gW) {
                            int idx = (z * gH + y) * gW + x;
                            float v = acts[base + idx];
                            if (bestIdx < 0 || v > best) {
                                best = v;
                                bestIdx = idx;
                            }
                            sum += v;
                            count++;
                        }
                    }
                }
            }
            if (i0 == 1) {
                acts[o1 + i] = best;
                acts[o2 + i] = (float) bestIdx;
            } else {
                int divisor = i1 == 1 ? gKD * gKH * gKW : count;
                acts[o1 + i] = sum / (float) divisor;
            }
        }
    }

    /** First output index whose window (stride s, padding p, size k) covers input coordinate v. */
    private int firstWindow(int v, int s, int p, int k) {
        int lo = v + p - k + 1;
        int r = 0;
        if (lo > 0) r = (lo + s - 1) / s;
        return r;
    }

    /** Number of non-padded cells in output (oz,oy,ox)'s window. */
    private int windowCount(int oz, int oy, int ox) {
        int z0 = max(oz * gSD - gPD, 0), z1 = min(oz * gSD - gPD + gKD, gD);
        int y0 = max(oy * gSH - gPH, 0), y1 = min(oy * gSH - gPH + gKH, gH);
        int x0 = max(ox * gSW - gPW, 0), x1 = min(ox * gSW - gPW + gKW, gW);
        return (z1 - z0) * (y1 - y0) * (x1 - x0);
    }

    /** dx (N,C,D,H,W) at o2 += dy (o0) routed through argmax (o1) or spread evenly; gathered per input, n = N*C*D*H*W. */
    private void poolBackward() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int x = i % gW;
            int t = i / gW;
            int y = t % gH;
            t = t / gH;
            int z = t % gD;
            int plane = t / gD;
            int me = (z * gH + y) * gW + x;
            int obase = plane * gOD * gOH * gOW;
            int zHi = min((z + gPD) / gSD, gOD - 1);
            int yHi = min((y + gPH) / gSH, gOH - 1);
            int xHi = min((x + gPW) / gSW, gOW - 1);
            float acc = 0f;
            for (int oz = firstWindow(z, gSD, gPD, gKD); oz <= zHi; oz++) {
                for (int oy = firstWindow(y, gSH, gPH, gKH); oy <= yHi; oy++) {
                    for (int ox = firstWindow(x, gSW, gPW, gKW); ox <= xHi; ox++) {
                        int o = obase + (oz * gOH + oy) * gOW + ox;
                        if (i0 == 1) {
                            if ((int) acts[o1 + o] == me) acc += acts[o0 + o];
                        } else {
                            int divisor = i1 == 1 ? gKD * gKH * gKW : windowCount(oz, oy, ox);
                            acc += acts[o0 + o] / (float) divisor;
                        }
                    }
                }
            }
            acts[o2 + i] = acts[o2 + i] + acc;
        }
    }

    // ---------------------------------------------------------------- batch norm

    /**
     * One work-group per channel c of x (N,C,S) at acts[o0]; i0 = N, i1 = C, i2 = S; f0 = eps,
     * f1 = momentum. Saves mean (o1) and 1/sqrt(var+eps) (o2) in ACTS, updates running mean (o3)
     * and unbiased running variance (o4) in BUFFERS. Two passes (mean, then squared deviations).
     */
    private void bnStats() {
        int c = getGroupId(0);
        int lid = getLocalId(0);
        int ls = getLocalSize(0);
        int m = i0 * i2;
        float s = 0f;
        for (int j = lid; j < m; j += ls) {
            int b = j / i2;
            s += acts[o0 + (b * i1 + c) * i2 + (j - b * i2)];
        }
        float mean = groupSumA(s) / (float) m;
        float q = 0f;
        for (int j = lid; j < m; j += ls) {
            int b = j / i2;
            float d = acts[o0 + (b * i1 + c) * i2 + (j - b * i2)] - mean;
            q += d * d;
        }
        float var = groupSumB(q) / (float) m;
        if (lid == 0) {
            acts[o1 + c] = mean;
            acts[o2 + c] = 1f / sqrt(var + f0);
            float unbiased = m > 1 ? var * (float) m / (float) (m - 1) : var;
            buffers[o3 + c] = (1f - f1) * buffers[o3 + c] + f1 * mean;
            buffers[o4 + c] = (1f - f1) * buffers[o4 + c] + f1 * unbiased;
        }
    }

    /**
     * y (o5) = gamma (params o3) * (x (o0) - mean) * invStd + beta (params o4); n = N*C*S, i1 = C, i2 = S.
     * Training (i3 = 0): mean, invStd saved in ACTS at o1, o2. Evaluation (i3 = 1): running mean and
     * variance in BUFFERS at o1, o2 and invStd = 1/sqrt(var + f0).
     */
    private void bnNormalize() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int c = (i / i2) % i1;
            float mean = 0f, inv = 0f;
            if (i3 == 0) {
                mean = acts[o1 + c];
                inv = acts[o2 + c];
            } else {
                mean = buffers[o1 + c];
                inv = 1f / sqrt(buffers[o2 + c] + f0);
            }
            acts[o5 + i] = params[o3 + c] * (acts[o0 + i] - mean) * inv + params[o4 + c];
        }
    }

    /**
     * One work-group per channel: sum dy and sum dy*xhat of x (o0), dy (o1), mean (o2), invStd (o3);
     * adds them into dbeta (grads o5) and dgamma (grads o4) and keeps them in scratch for the dx pass.
     * Training (i3 = 0): mean, invStd saved in ACTS. Evaluation (i3 = 1): running mean and variance in
     * BUFFERS at o2, o3 and invStd = 1/sqrt(var + f0).
     */
    private void bnBackwardSums() {
        int c = getGroupId(0);
        int lid = getLocalId(0);
        int ls = getLocalSize(0);
        int m = i0 * i2;
        float mean = 0f, inv = 0f;
        if (i3 == 0) {
            mean = acts[o2 + c];
            inv = acts[o3 + c];
        } else {
            mean = buffers[o2 + c];
            inv = 1f / sqrt(buffers[o3 + c] + f0);
        }
        float sdy = 0f, sdyx = 0f;
        for (int j = lid; j < m; j += ls) {
            int b = j / i2;
            int idx = (b * i1 + c) * i2 + (j - b * i2);
            float dy = acts[o1 + idx];
            sdy += dy;
            sdyx += dy * (acts[o0 + idx] - mean) * inv;
        }
        float tdy = groupSumA(sdy);
        float tdyx = groupSumB(sdyx);
        if (lid == 0) {
            scratch[BN_SUMS + 2 * c] = tdy;
            scratch[BN_SUMS + 2 * c + 1] = tdyx;
            grads[o4 + c] = grads[o4 + c] + tdyx;
            grads[o5 + c] = grads[o5 + c] + tdy;
        }
    }

    /**
     * dx (o6) += gamma (params o7) * invStd / M * (M dy - sum dy - xhat sum dy*xhat); n = N*C*S.
     * Evaluation (i3 = 1, running variance in BUFFERS at o3): dx += gamma * invStd * dy.
     */
    private void bnBackwardDx() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int c = (i / i2) % i1;
            if (i3 == 1) {
                acts[o6 + i] = acts[o6 + i] + params[o7 + c] / sqrt(buffers[o3 + c] + f0) * acts[o1 + i];
            } else {
                float m = (float) (i0 * i2);
                float inv = acts[o3 + c];
                float xhat = (acts[o0 + i] - acts[o2 + c]) * inv;
                float g = params[o7 + c] * inv / m;
                float d = m * acts[o1 + i] - scratch[BN_SUMS + 2 * c] - xhat * scratch[BN_SUMS + 2 * c + 1];
                acts[o6 + i] = acts[o6 + i] + g * d;
            }
        }
    }

    // ---------------------------------------------------------------- losses

    /** Label of position pos (n = pos / S, s = pos % S) of labels (N,S) at o1. */
    private int labelAt(int pos) {
        return (int) acts[o1 + pos];
    }

    /** Max and log-sum-exp of the logits (N,C,S) at o0 for position pos; i0 = C, i1 = S. */
    private float logSumExp(int base) {
        float mx = acts[base];
        for (int c = 1; c < i0; c++) mx = max(mx, acts[base + c * i1]);
        float s = 0f;
        for (int c = 0; c < i0; c++) s += exp(acts[base + c * i1] - mx);
        return mx + log(s);
    }

    private int logitBase(int pos) {
        int b = pos / i1;
        return o0 + b * i0 * i1 + (pos - b * i1);
    }

    private float classWeight(int label) {
        float w = 1f;
        if (o2 >= 0) w = acts[o2 + label];
        return w;
    }

    /**
     * Softmax cross-entropy, pass 1 of 3: work-group g of i3 sums w*nll and w over positions
     * g*GROUP.. striding i3*GROUP, into scratch[g] and scratch[MAX_PARTIALS+g]; writes argmax
     * predictions to o3 when o3 >= 0. logits o0 (N,C,S), labels o1, weights o2, i0 = C,
     * i1 = S, i2 = ignore index, n = N*S.
     */
    private void crossEntropyPartial() {
        int lid = getLocalId(0);
        int stride = getGlobalSize(0);
        float loss = 0f, weight = 0f;
        for (int pos = getGlobalId(0); pos < n; pos += stride) {
            int base = logitBase(pos);
            int label = labelAt(pos);
            if (label != i2) {
                float w = classWeight(label);
                loss += w * (logSumExp(base) - acts[base + label * i1]);
                weight += w;
            }
            if (o3 >= 0) {
                int arg = 0;
                float mx = acts[base];
                for (int c = 1; c < i0; c++) {
                    float v = acts[base + c * i1];
                    if (v > mx) {
                        mx = v;
                        arg = c;
                    }
                }
                acts[o3 + pos] = (float) arg;
            }
        }
        float tl = groupSumA(loss);
        float tw = groupSumB(weight);
        if (lid == 0) {
            scratch[getGroupId(0)] = tl;
            scratch[MAX_PARTIALS + getGroupId(0)] = tw;
        }
    }

    /**
     * Pass 2, one work-group: sums the i3 partials; the divisor is the weight sum (i4 = 1) or
     * f0. Writes the mean to acts[o4] and the divisor to scratch[DENOMINATOR].
     */
    private void lossFinal() {
        int lid = getLocalId(0);
        float l = 0f, w = 0f;
        if (lid < i3) {
            l = scratch[lid];
            w = scratch[MAX_PARTIALS + lid];
        }
        float tl = groupSumA(l);
        float tw = groupSumB(w);
        if (lid == 0) {
            float denom = i4 == 1 ? tw : f0;
            scratch[DENOMINATOR] = denom;
            acts[o4] = denom > 0f ? tl / denom : 0f;
        }
    }

    /** Pass 3: dlogits (o5) += w * (softmax - onehot) / divisor, one work-item per position. */
    private void crossEntropyGrad() {
        for (int pos = getGlobalId(0); pos < n; pos += getGlobalSize(0)) {
            int label = labelAt(pos);
            float denom = scratch[DENOMINATOR];
            if (label != i2 && denom > 0f) {
                int base = logitBase(pos);
                int gbase = base - o0 + o5;
                float lse = logSumExp(base);
                float scale = classWeight(label) / denom;
                for (int c = 0; c < i0; c++) {
                    float p = exp(acts[base + c * i1] - lse);
                    float t = c == label ? 1f : 0f;
                    acts[gbase + c * i1] = acts[gbase + c * i1] + scale * (p - t);
                }
            }
        }
    }

    /**
     * Elementwise losses, pass 1: kind 0 sigmoid BCE, 1 squared error, 2 smooth L1 (beta f1);
     * pred o0, target o1, gradient o5 (&lt; 0: none) += d/dpred / f0 (f0 = count); partial sums as in
     * {@link #crossEntropyPartial}.
     */
    private void elementLoss(int kind) {
        int lid = getLocalId(0);
        int stride = getGlobalSize(0);
        float loss = 0f;
        for (int i = getGlobalId(0); i < n; i += stride) {
            float x = acts[o0 + i];
            float t = acts[o1 + i];
            float l = 0f, g = 0f;
            if (kind == 0) {
                l = max(x, 0f) - x * t + log(1f + exp(-abs(x)));
                g = 1f / (1f + exp(-x)) - t;
            } else if (kind == 1) {
                float d = x - t;
                l = d * d;
                g = 2f * d;
            } else {
                float d = x - t;
                float ad = abs(d);
                if (ad < f1) {
                    l = 0.5f * d * d / f1;
                    g = d / f1;
                } else {
                    l = ad - 0.5f * f1;
                    g = 0f;
                    if (d > 0f) g = 1f;
                    if (d < 0f) g = -1f;
                }
            }
            loss += l;
            if (o5 >= 0) acts[o5 + i] = acts[o5 + i] + g / f0;
        }
        float tl = groupSumA(loss);
        if (lid == 0) {
            scratch[getGroupId(0)] = tl;
            scratch[MAX_PARTIALS + getGroupId(0)] = 0f;
        }
    }

    // ---------------------------------------------------------------- gradient norm

    /** Work-group g sums squares of arena[o0 + ...) (n elements) into scratch[g]. */
    private void sumSquaresPartial() {
        int stride = getGlobalSize(0);
        float s = 0f;
        for (int i = getGlobalId(0); i < n; i += stride) {
            float v = ld(arena, o0 + i);
            s = fma(v, v, s);
        }
        float t = groupSumA(s);
        if (getLocalId(0) == 0) scratch[getGroupId(0)] = t;
    }

    /** One work-group: acts[o1] = sum of the i3 partials. */
    private void sumSquaresFinal() {
        int lid = getLocalId(0);
        float v = 0f;
        if (lid < i3) v = scratch[lid];
        float t = groupSumA(v);
        if (lid == 0) acts[o1] = t;
    }

    // ---------------------------------------------------------------- optimizers

    /**
     * SGD over params/grads [o0, o0+n), velocity at opt[o1]: f0 lr, f1 momentum, f2 dampening,
     * f3 weight decay, i0 nesterov. The velocity starts at zero: with dampening 0 on the first step
     * that equals torch.optim's buffer = gradient.
     */
    private void sgd() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int p = o0 + i;
            float g = grads[p] + f3 * params[p];
            if (f1 != 0f) {
                float v = f1 * opt[o1 + i] + (1f - f2) * g;
                opt[o1 + i] = v;
                g = i0 == 1 ? g + f1 * v : v;
            }
            params[p] = params[p] - f0 * g;
        }
    }

    /** AdaGrad: acc at opt[o1]; f0 lr, f1 eps, f3 weight decay. */
    private void adagrad() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int p = o0 + i;
            float g = grads[p] + f3 * params[p];
            float a = opt[o1 + i] + g * g;
            opt[o1 + i] = a;
            params[p] = params[p] - f0 * g / (sqrt(a) + f1);
        }
    }

    /** RMSProp: square average at opt[o1], momentum buffer at opt[o2] (o2 < 0: none); f0 lr, f1 alpha, f2 eps, f3 wd, f4 momentum. */
    private void rmsprop() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int p = o0 + i;
            float g = grads[p] + f3 * params[p];
            float sq = f1 * opt[o1 + i] + (1f - f1) * g * g;
            opt[o1 + i] = sq;
            float step = g / (sqrt(sq) + f2);
            if (o2 >= 0 && f4 > 0f) {
                float b = f4 * opt[o2 + i] + step;
                opt[o2 + i] = b;
                step = b;
            }
            params[p] = params[p] - f0 * step;
        }
    }

    /**
     * Adam / AdamW: m at opt[o1], v at opt[o2]; f0 lr, f1 beta1, f2 beta2, f3 eps, f4 weight
     * decay, f5 = lr / (1 - beta1^t), f6 = 1 / sqrt(1 - beta2^t) (from the host, in double),
     * i0 = 1 for decoupled decay.
     */
    private void adam() {
        for (int i = getGlobalId(0); i < n; i += getGlobalSize(0)) {
            int p = o0 + i;
            float w = params[p];
            float g = grads[p];
            if (i0 == 1) w = w * (1f - f0 * f4);
            else g = g + f4 * w;
            float m = f1 * opt[o1 + i] + (1f - f1) * g;
            float v = f2 * opt[o2 + i] + (1f - f2) * g * g;
            opt[o1 + i] = m;
            opt[o2 + i] = v;
            params[p] = w - f5 * m / (sqrt(v) * f6 + f3);
        }
    }
}
