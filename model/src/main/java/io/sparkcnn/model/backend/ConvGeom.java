package io.sparkcnn.model.backend;

/**
 * One convolution's sizes. 1-D and 2-D convolutions are 3-D ones with unit depth (and
 * height): in (N,C,D,H,W), weights (K,C/groups,KD,KH,KW), out (N,K,OD,OH,OW).
 * Symmetric zero padding per axis, as in PyTorch.
 */
public record ConvGeom(int n, int c, int id, int ih, int iw,
                       int k, int kd, int kh, int kw,
                       int sd, int sh, int sw,
                       int pd, int ph, int pw,
                       int dd, int dh, int dw,
                       int groups) {

    public ConvGeom {
        if (groups <= 0 || c % groups != 0 || k % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must divide in channels " + c + " and out channels " + k);
        }
    }

    /** A 2-D convolution with square kernel, stride, padding and dilation. */
    public static ConvGeom conv2d(int n, int c, int h, int w, int k, int kernel, int stride, int pad, int dilation, int groups) {
        return new ConvGeom(n, c, 1, h, w, k, 1, kernel, kernel, 1, stride, stride, 0, pad, pad, 1, dilation, dilation, groups);
    }

    public static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        return Math.floorDiv(in + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
    }

    public int od() { return outSize(id, kd, sd, pd, dd); }

    public int oh() { return outSize(ih, kh, sh, ph, dh); }

    public int ow() { return outSize(iw, kw, sw, pw, dw); }

    /** Input elements per example. */
    public int inSize() { return c * id * ih * iw; }

    /** Output elements per example. */
    public int outSize() { return k * od() * oh() * ow(); }

    public int inSpatial() { return id * ih * iw; }

    public int outSpatial() { return od() * oh() * ow(); }

    /** Weights of one output channel: C/groups * KD * KH * KW. */
    public int kernelVolume() { return (c / groups) * kd * kh * kw; }

    public int weightCount() { return k * kernelVolume(); }

    /** Multiply-adds of the forward pass for the whole batch. */
    public long macs() { return (long) n * k * outSpatial() * kernelVolume(); }
}
