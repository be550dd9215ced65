package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.ConvGeom;

import java.util.Arrays;

/**
 * The column matrix of a convolution (vol2col in 3-D) and its adjoint, for one example and
 * one group. Row r = (c*KD + kd)*KH*KW + kh*KW + kw of the column matrix holds, for every
 * output position (od,oh,ow), the input value x[c][od*sd-pd+kd*dd][oh*sh-ph+kh*dh][ow*sw-pw+kw*dw]
 * (zero where that falls in the padding), so that conv = W (K, rows) * col (rows, OD*OH*OW).
 */
final class Im2col {
    private Im2col() {}

    /**
     * Output lines [lineFrom, lineTo) (a line is one (od,oh) pair: OW output positions) of one
     * row of the column matrix: x (Cg,D,H,W) at xOff -> col[colOff .. colOff + (lineTo-lineFrom)*OW).
     * row is the group-relative row index.
     */
    static void fillRow(ConvGeom g, int row, float[] x, int xOff, float[] col, int colOff, int lineFrom, int lineTo) {
        int kvol = g.kd() * g.kh() * g.kw();
        int c = row / kvol, t = row % kvol;
        int kdi = t / (g.kh() * g.kw()), khi = (t / g.kw()) % g.kh(), kwi = t % g.kw();
        int oh = g.oh(), ow = g.ow();
        int ih = g.ih(), iw = g.iw(), id = g.id();
        int sw = g.sw();
        int wShift = kwi * g.dw() - g.pw();
        int owLo = firstValid(wShift, sw), owHi = lastValidExclusive(wShift, sw, iw, ow);
        int plane = xOff + c * id * ih * iw;
        int out = colOff;
        for (int line = lineFrom; line < lineTo; line++, out += ow) {
            int z = line / oh, y = line % oh;
            int inZ = z * g.sd() - g.pd() + kdi * g.dd();
            int inY = y * g.sh() - g.ph() + khi * g.dh();
            if (inZ < 0 || inZ >= id || inY < 0 || inY >= ih || owLo >= owHi) {
                Arrays.fill(col, out, out + ow, 0f);
                continue;
            }
            int src = plane + (inZ * ih + inY) * iw + wShift;
            if (owLo > 0) Arrays.fill(col, out, out + owLo, 0f);
            if (sw == 1) {
                System.arraycopy(x, src + owLo, col, out + owLo, owHi - owLo);
            } else {
                for (int o = owLo; o < owHi; o++) col[out + o] = x[src + o * sw];
            }
            if (owHi < ow) Arrays.fill(col, out + owHi, out + ow, 0f);
        }
    }

    /**
     * The adjoint for one input channel and output lines [lineFrom, lineTo): dx (D,H,W) of
     * channel c at dxOff += the KD*KH*KW rows of that channel, read from dcol with row stride
     * ldCol starting at dcolOff (the column of lineFrom).
     */
    static void addChannel(ConvGeom g, int c, float[] dcol, int dcolOff, int ldCol, float[] dx, int dxOff, int lineFrom, int lineTo) {
        int kvol = g.kd() * g.kh() * g.kw();
        int oh = g.oh(), ow = g.ow();
        int ih = g.ih(), iw = g.iw(), id = g.id();
        int sw = g.sw();
        for (int t = 0; t < kvol; t++) {
            int kdi = t / (g.kh() * g.kw()), khi = (t / g.kw()) % g.kh(), kwi = t % g.kw();
            int wShift = kwi * g.dw() - g.pw();
            int owLo = firstValid(wShift, sw), owHi = lastValidExclusive(wShift, sw, iw, ow);
            if (owLo >= owHi) continue;
            int in = dcolOff + (c * kvol + t) * ldCol;
            for (int line = lineFrom; line < lineTo; line++) {
                int z = line / oh, y = line % oh;
                int inZ = z * g.sd() - g.pd() + kdi * g.dd();
                int inY = y * g.sh() - g.ph() + khi * g.dh();
                if (inZ < 0 || inZ >= id || inY < 0 || inY >= ih) continue;
                int dst = dxOff + (inZ * ih + inY) * iw + wShift;
                int s = in + (line - lineFrom) * ow;
                if (sw == 1) {
                    for (int o = owLo; o < owHi; o++) dx[dst + o] += dcol[s + o];
                } else {
                    for (int o = owLo; o < owHi; o++) dx[dst + o * sw] += dcol[s + o];
                }
            }
        }
    }

    /** The first output column o whose input o*stride + shift is >= 0. */
    static int firstValid(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /** One past the last output column o (< outSize) whose input o*stride + shift is < inSize. */
    static int lastValidExclusive(int shift, int stride, int inSize, int outSize) {
        int last = inSize - 1 - shift;
        if (last < 0) return 0;
        return Math.min(outSize, last / stride + 1);
    }
}
