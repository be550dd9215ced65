package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

/**
 * Convolution as im2col + SGEMM, per group, over blocks of the batch. A block is either
 * several whole examples side by side (small outputs: SGEMM then sees a wide enough matrix,
 * and the product is scattered back to (N,K,...) order) or a range of output lines of one
 * example (large outputs: the column matrix stays within {@link #MAX_COLUMN_FLOATS}). A 1x1
 * stride-1 unpadded convolution of one example at a time reads its input as the column matrix.
 * BLAS runs on its own threads; im2col, col2im and the scatter loops run on the context's.
 */
final class GemmConv implements ConvOp {
    /**
     * Columns SGEMM should see at least, when the batch allows. Chosen from SGEMM's known
     * shape behaviour, not tuned: the shared machine was too loaded to tune it (docs/benchmarks.md).
     */
    static final int TARGET_COLUMNS = 1024;
    /**
     * Column matrices up to this many floats (4 MiB, cache-resident) take as many examples as
     * fit: convolutions with few input channels (LeNet) then make a few large SGEMMs instead
     * of many tiny ones, whose fixed costs (JNI, BLAS thread wake-up, loop hand-offs) dominate.
     */
    static final int SMALL_COLUMN_FLOATS = 1 << 20;
    /** Upper bound on the column matrix, in floats (64 MiB); larger examples are split by output lines. */
    static final int MAX_COLUMN_FLOATS = 16 << 20;
    /** Elements a parallel slice should at least hold before the loop is split. */
    private static final int PARALLEL_GRAIN_ELEMENTS = 16_384;

    private final CpuContext ctx;
    private final ConvGeom g;
    private final int cg, kg, rows, osp, isp, inSize, outSize, ow, lines;
    /** Examples per block; when 1, tileLines output lines per block. */
    private final int chunk, tileLines;
    private final boolean inputIsColumns;
    /** Scratch layout: the column matrix at 0, a gathered or product block after it. */
    private final int colFloats;

    // Per-call values for the loop bodies below (one RangeTask instance per loop, so calls allocate nothing).
    private float[] loopSrc, loopDst, loopBias;
    private int loopSrcOff, loopDstOff, loopBiasOff, loopCount, loopLd, loopTileCols, loopLineFrom, loopLineTo;
    private boolean loopAccumulate;
    private final RangeTask im2colTask = this::im2colRange;
    private final RangeTask col2imTask = this::col2imRange;
    private final RangeTask scatterTask = this::scatterRange;
    private final RangeTask gatherTask = this::gatherRange;
    private final RangeTask biasTask = this::biasRange;
    private final RangeTask biasGradTask = this::biasGradRange;

    GemmConv(CpuContext ctx, ConvGeom g) { this(ctx, g, TARGET_COLUMNS, MAX_COLUMN_FLOATS); }

    /** targetColumns and maxColumnFloats: see {@link #examplesPerChunk}; other values than the defaults serve tests and measurements. */
    GemmConv(CpuContext ctx, ConvGeom g, int targetColumns, int maxColumnFloats) {
        this.ctx = ctx;
        this.g = g;
        this.cg = g.c() / g.groups();
        this.kg = g.k() / g.groups();
        this.rows = g.kernelVolume();
        this.osp = g.outSpatial();
        this.isp = g.inSpatial();
        this.inSize = g.inSize();
        this.outSize = g.outSize();
        this.ow = g.ow();
        this.lines = g.od() * g.oh();
        this.chunk = examplesPerChunk(g, targetColumns, maxColumnFloats);
        this.inputIsColumns = chunk == 1 && g.kd() * g.kh() * g.kw() == 1 && g.sd() == 1 && g.sh() == 1 && g.sw() == 1
                && g.pd() == 0 && g.ph() == 0 && g.pw() == 0;
        this.tileLines = chunk > 1 || inputIsColumns ? lines
                : (int) Math.max(1, Math.min(lines, maxColumnFloats / ((long) rows * ow)));
        this.colFloats = inputIsColumns ? 0 : rows * chunk * tileLines * ow;
        int blockFloats = chunk > 1 ? kg * chunk * osp : 0;
        ctx.reserveScratch(colFloats + blockFloats);
    }

    /**
     * Examples per SGEMM: enough to give it targetColumns columns or to fill SMALL_COLUMN_FLOATS,
     * within maxColumnFloats, and balanced so that the last chunk is not a sliver (8 examples
     * in chunks of 4+4, not 6+2).
     */
    static int examplesPerChunk(ConvGeom g, int targetColumns, int maxColumnFloats) {
        int osp = g.outSpatial();
        long perExample = (long) g.kernelVolume() * osp;
        long wanted = Math.max((targetColumns + osp - 1) / osp, SMALL_COLUMN_FLOATS / perExample);
        long fits = Math.max(1, maxColumnFloats / perExample);
        int most = (int) Math.min(g.n(), Math.min(wanted, fits));
        int chunks = (g.n() + most - 1) / most;
        return (g.n() + chunks - 1) / chunks;
    }

    @Override
    public ConvGeom geom() { return g; }

    // x (N,C,D,H,W) -> y (N,K,OD,OH,OW); per group and block: y_g (Kg, cols) = W_g (Kg, rows) * col (rows, cols)
    @Override
    public void forward(int x, int w, int b, int y, boolean accumulate) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS), scratch = ctx.scratch();
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int count = Math.min(chunk, g.n() - n0);
            for (int gi = 0; gi < g.groups(); gi++) {
                int xg = x + n0 * inSize + gi * cg * isp;
                int wg = w + gi * kg * rows;
                int yg = y + n0 * outSize + gi * kg * osp;
                for (int l0 = 0; l0 < lines; l0 += tileLines) {
                    int l1 = Math.min(lines, l0 + tileLines);
                    int cols = count * (l1 - l0) * ow;
                    if (count == 1) {
                        // the product goes straight to y, tile by tile: (Kg, tile) with row stride osp
                        if (inputIsColumns) {
                            Blas.sgemm(false, false, kg, cols, rows, 1f, params, wg, rows, acts, xg, osp,
                                    accumulate ? 1f : 0f, acts, yg, osp);
                        } else {
                            im2col(acts, xg, 1, l0, l1, scratch);
                            Blas.sgemm(false, false, kg, cols, rows, 1f, params, wg, rows, scratch, 0, cols,
                                    accumulate ? 1f : 0f, acts, yg + l0 * ow, osp);
                        }
                    } else {
                        im2col(acts, xg, count, 0, lines, scratch);
                        Blas.sgemm(false, false, kg, cols, rows, 1f, params, wg, rows, scratch, 0, cols,
                                0f, scratch, colFloats, cols);
                        scatter(scratch, colFloats, acts, yg, count, accumulate, b >= 0 ? params : null, b + gi * kg);
                    }
                }
                if (count == 1 && b >= 0) addBias(acts, yg, params, b + gi * kg);
            }
        }
    }

    // dy (N,K,OD,OH,OW) -> dx (N,C,D,H,W) +=; per group and block: dcol (rows, cols) = W_g^T (rows, Kg) * dy_g (Kg, cols), then col2im
    @Override
    public void backwardData(int dy, int w, int dx) {
        float[] acts = ctx.array(Arena.ACTS), params = ctx.array(Arena.PARAMS), scratch = ctx.scratch();
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int count = Math.min(chunk, g.n() - n0);
            for (int gi = 0; gi < g.groups(); gi++) {
                int wg = w + gi * kg * rows;
                int dyg = dy + n0 * outSize + gi * kg * osp;
                int dxg = dx + n0 * inSize + gi * cg * isp;
                for (int l0 = 0; l0 < lines; l0 += tileLines) {
                    int l1 = Math.min(lines, l0 + tileLines);
                    int cols = count * (l1 - l0) * ow;
                    float[] dyArr = acts;
                    int dyOff = dyg + l0 * ow, dyLd = osp;
                    if (count > 1) {
                        gather(acts, dyg, scratch, colFloats, count);
                        dyArr = scratch;
                        dyOff = colFloats;
                        dyLd = cols;
                    }
                    if (inputIsColumns) {
                        Blas.sgemm(true, false, rows, cols, kg, 1f, params, wg, rows, dyArr, dyOff, dyLd, 1f, acts, dxg, isp);
                    } else {
                        Blas.sgemm(true, false, rows, cols, kg, 1f, params, wg, rows, dyArr, dyOff, dyLd, 0f, scratch, 0, cols);
                        col2im(scratch, cols, acts, dxg, count, l0, l1);
                    }
                }
            }
        }
    }

    // x, dy -> dw (K, Cg*KD*KH*KW) +=; per group and block: dW_g (Kg, rows) += dy_g (Kg, cols) * col^T (cols, rows); db (K) += sums of dy
    @Override
    public void backwardWeights(int x, int dy, int dw, int db) {
        float[] acts = ctx.array(Arena.ACTS), grads = ctx.array(Arena.GRADS), scratch = ctx.scratch();
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int count = Math.min(chunk, g.n() - n0);
            for (int gi = 0; gi < g.groups(); gi++) {
                int xg = x + n0 * inSize + gi * cg * isp;
                int dyg = dy + n0 * outSize + gi * kg * osp;
                for (int l0 = 0; l0 < lines; l0 += tileLines) {
                    int l1 = Math.min(lines, l0 + tileLines);
                    int cols = count * (l1 - l0) * ow;
                    float[] colArr = acts;
                    int colOff = xg, colLd = osp;
                    if (!inputIsColumns) {
                        im2col(acts, xg, count, l0, l1, scratch);
                        colArr = scratch;
                        colOff = 0;
                        colLd = cols;
                    }
                    float[] dyArr = acts;
                    int dyOff = dyg + l0 * ow, dyLd = osp;
                    if (count > 1) {
                        gather(acts, dyg, scratch, colFloats, count);
                        dyArr = scratch;
                        dyOff = colFloats;
                        dyLd = cols;
                    }
                    Blas.sgemm(false, true, kg, rows, cols, 1f, dyArr, dyOff, dyLd, colArr, colOff, colLd,
                            1f, grads, dw + gi * kg * rows, rows);
                }
            }
        }
        if (db >= 0) {
            loopSrc = acts;
            loopSrcOff = dy;
            loopDst = grads;
            loopDstOff = db;
            ctx.parallelFor(g.k(), grain(g.n() * osp), biasGradTask);
        }
    }

    /** Column matrix (rows, count * tile) of output lines [l0, l1) of examples at xg.. into scratch[0..). */
    private void im2col(float[] acts, int xg, int count, int l0, int l1, float[] scratch) {
        loopSrc = acts;
        loopSrcOff = xg;
        loopDst = scratch;
        loopCount = count;
        loopLineFrom = l0;
        loopLineTo = l1;
        loopTileCols = (l1 - l0) * ow;
        ctx.parallelFor(rows * count, grain(loopTileCols), im2colTask);
    }

    // item = (row, example): col[row][e*tile ..] = that row of example e's column matrix
    private void im2colRange(int from, int to) {
        int count = loopCount, tile = loopTileCols, ld = count * tile;
        for (int i = from; i < to; i++) {
            int row = i / count, e = i % count;
            Im2col.fillRow(g, row, loopSrc, loopSrcOff + e * inSize, loopDst, row * ld + e * tile, loopLineFrom, loopLineTo);
        }
    }

    private void col2im(float[] dcol, int ld, float[] dx, int dxg, int count, int l0, int l1) {
        loopSrc = dcol;
        loopLd = ld;
        loopDst = dx;
        loopDstOff = dxg;
        loopCount = count;
        loopLineFrom = l0;
        loopLineTo = l1;
        loopTileCols = (l1 - l0) * ow;
        ctx.parallelFor(count * cg, grain(rows / cg * loopTileCols), col2imTask);
    }

    // item = (example, channel): each owns one dx plane, so no two slices write the same element
    private void col2imRange(int from, int to) {
        for (int i = from; i < to; i++) {
            int e = i / cg, c = i % cg;
            Im2col.addChannel(g, c, loopSrc, e * loopTileCols, loopLd, loopDst, loopDstOff + e * inSize + c * isp,
                    loopLineFrom, loopLineTo);
        }
    }

    /** product (Kg, count*osp) -> y (count examples, Kg channels of this group) [+= y] [+ bias]. */
    private void scatter(float[] product, int productOff, float[] y, int yg, int count, boolean accumulate, float[] bias, int biasOff) {
        loopSrc = product;
        loopSrcOff = productOff;
        loopDst = y;
        loopDstOff = yg;
        loopCount = count;
        loopAccumulate = accumulate;
        loopBias = bias;
        loopBiasOff = biasOff;
        ctx.parallelFor(kg * count, grain(osp), scatterTask);
    }

    // item = (channel, example)
    private void scatterRange(int from, int to) {
        int count = loopCount, ld = count * osp;
        float[] src = loopSrc, dst = loopDst;
        for (int i = from; i < to; i++) {
            int kk = i / count, e = i % count;
            int s = loopSrcOff + kk * ld + e * osp;
            int d = loopDstOff + e * outSize + kk * osp;
            float bias = loopBias == null ? 0f : loopBias[loopBiasOff + kk];
            if (loopAccumulate) {
                for (int o = 0; o < osp; o++) dst[d + o] += src[s + o] + bias;
            } else {
                for (int o = 0; o < osp; o++) dst[d + o] = src[s + o] + bias;
            }
        }
    }

    /** dy (count examples, Kg channels of this group) -> dst (Kg, count*osp). */
    private void gather(float[] dy, int dyg, float[] dst, int dstOff, int count) {
        loopSrc = dy;
        loopSrcOff = dyg;
        loopDst = dst;
        loopDstOff = dstOff;
        loopCount = count;
        ctx.parallelFor(kg * count, grain(osp), gatherTask);
    }

    private void gatherRange(int from, int to) {
        int count = loopCount, ld = count * osp;
        for (int i = from; i < to; i++) {
            int kk = i / count, e = i % count;
            System.arraycopy(loopSrc, loopSrcOff + e * outSize + kk * osp, loopDst, loopDstOff + kk * ld + e * osp, osp);
        }
    }

    /** y_g (Kg, osp) of one example += bias (Kg). */
    private void addBias(float[] y, int yg, float[] bias, int biasOff) {
        loopDst = y;
        loopDstOff = yg;
        loopBias = bias;
        loopBiasOff = biasOff;
        ctx.parallelFor(kg, grain(osp), biasTask);
    }

    private void biasRange(int from, int to) {
        float[] y = loopDst;
        for (int kk = from; kk < to; kk++) {
            float v = loopBias[loopBiasOff + kk];
            int d = loopDstOff + kk * osp;
            for (int o = 0; o < osp; o++) y[d + o] += v;
        }
    }

    // item = output channel k: db[k] += sum over examples and positions of dy[n,k,:]
    private void biasGradRange(int from, int to) {
        float[] dy = loopSrc;
        for (int k = from; k < to; k++) {
            double sum = 0;
            for (int n = 0; n < g.n(); n++) {
                int s = loopSrcOff + n * outSize + k * osp;
                float part = 0f;
                for (int o = 0; o < osp; o++) part += dy[s + o];
                sum += part;
            }
            loopDst[loopDstOff + k] += (float) sum;
        }
    }

    /** Items per slice so that a slice holds at least PARALLEL_GRAIN_ELEMENTS elements. */
    private static int grain(int elementsPerItem) {
        return Math.max(1, PARALLEL_GRAIN_ELEMENTS / Math.max(1, elementsPerItem));
    }
}
