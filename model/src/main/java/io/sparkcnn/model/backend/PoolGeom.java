package io.sparkcnn.model.backend;

/**
 * Max or average pooling over (D,H,W) of x (N,C,D,H,W); 2-D pooling has unit depth.
 * Average pooling counts padded cells when {@code countIncludePad} (PyTorch's default).
 */
public record PoolGeom(boolean max, int n, int c, int id, int ih, int iw,
                       int kd, int kh, int kw, int sd, int sh, int sw, int pd, int ph, int pw,
                       boolean countIncludePad) {

    public int od() { return ConvGeom.outSize(id, kd, sd, pd, 1); }

    public int oh() { return ConvGeom.outSize(ih, kh, sh, ph, 1); }

    public int ow() { return ConvGeom.outSize(iw, kw, sw, pw, 1); }

    public int inSize() { return c * id * ih * iw; }

    public int outSize() { return c * od() * oh() * ow(); }
}
