package io.sparkcnn.model.backend.opencl;

import com.aparapi.Range;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

import static io.sparkcnn.model.backend.opencl.DeviceProgram.*;

/**
 * Convolution on the device, 1/2/3-D, grouped and depthwise, any stride, padding and
 * dilation. Forward and weight gradient are implicit-im2col tiled GEMMs per group (no im2col
 * buffer); the data gradient is a direct gather, which is also the forward of a transposed
 * convolution.
 */
final class OpenClConvOp implements ConvOp {
    private final ProgramHost host;
    private final DeviceProgram p;
    private final ConvGeom g;
    private final int kg, cg, rows, outPositions, dataGroups;
    private final ProgramHost.Gemm forwardGemm, weightGemm;
    private final Range dataRange, biasRange;
    private final String forwardName, dataName, weightName;

    OpenClConvOp(ProgramHost host, ConvGeom g) {
        this.host = host;
        this.p = host.program;
        this.g = g;
        this.kg = g.k() / g.groups();
        this.cg = g.c() / g.groups();
        this.rows = g.kernelVolume();
        this.outPositions = g.n() * g.outSpatial();
        this.forwardGemm = host.gemm(kg, outPositions, g.groups());
        this.weightGemm = host.gemm(kg, rows, g.groups());
        this.dataGroups = (g.n() * g.inSpatial() + host.group - 1) / host.group;
        this.dataRange = host.rows(g.c(), dataGroups);
        this.biasRange = host.perChannel(g.k());
        this.forwardName = "conv forward " + g;
        this.dataName = "conv backward data " + g;
        this.weightName = "conv backward weights " + g;
    }

    @Override
    public ConvGeom geom() { return g; }

    private void geometry() {
        p.gN = g.n(); p.gC = g.c(); p.gD = g.id(); p.gH = g.ih(); p.gW = g.iw();
        p.gK = g.k(); p.gKD = g.kd(); p.gKH = g.kh(); p.gKW = g.kw();
        p.gSD = g.sd(); p.gSH = g.sh(); p.gSW = g.sw();
        p.gPD = g.pd(); p.gPH = g.ph(); p.gPW = g.pw();
        p.gDD = g.dd(); p.gDH = g.dh(); p.gDW = g.dw();
        p.gOD = g.od(); p.gOH = g.oh(); p.gOW = g.ow();
        p.gCg = cg; p.gKg = kg;
    }

    // x (N,C,D,H,W) -> y (N,K,OD,OH,OW): per group, w (K/G x C/G*KD*KH*KW) times im2col(x).
    @Override
    public void forward(int x, int w, int b, int y, boolean accumulate) {
        geometry();
        p.mM = kg; p.mN = outPositions; p.mK = rows;
        p.aMode = STRIDED; p.aArena = PARAMS; p.aOff = w; p.aRs = rows; p.aCs = 1; p.aGs = kg * rows;
        p.bMode = IM2COL; p.bArena = ACTS; p.bOff = x;
        p.cMode = CONV_ACT; p.cArena = ACTS; p.cOff = y;
        p.accumulate = accumulate ? 1 : 0;
        p.biasMode = b >= 0 ? 1 : 0; p.biasOff = Math.max(b, 0);
        host.launch(forwardGemm, forwardName);
    }

    // dy (N,K,OD,OH,OW), w -> dx (N,C,D,H,W) +=
    @Override
    public void backwardData(int dy, int w, int dx) {
        geometry();
        p.o0 = dy; p.o1 = w; p.o2 = dx;
        p.i0 = g.kd() * g.kh() * g.kw() <= WEIGHT_TILE ? 1 : 0;
        p.i1 = dataGroups;
        host.launch(OP_CONV_BACKWARD_DATA, dataRange, dataName);
    }

    // dy (N,K,OD,OH,OW), x (N,C,D,H,W) -> dw (K, C/G, KD,KH,KW) +=, db (K) +=
    @Override
    public void backwardWeights(int x, int dy, int dw, int db) {
        geometry();
        p.mM = kg; p.mN = rows; p.mK = outPositions;
        p.aMode = CONV_ACT; p.aArena = ACTS; p.aOff = dy;
        p.bMode = IM2COL_T; p.bArena = ACTS; p.bOff = x;
        p.cMode = STRIDED; p.cArena = GRADS; p.cOff = dw; p.cRs = rows; p.cCs = 1; p.cGs = kg * rows;
        p.accumulate = 1;
        p.biasMode = 0; p.biasOff = 0;
        host.launch(weightGemm, weightName);
        if (db >= 0) {
            p.i0 = g.n(); p.i1 = g.k(); p.i2 = g.outSpatial();
            p.o0 = dy; p.o1 = db;
            host.launch(OP_CHANNEL_SUM, biasRange, "conv bias gradient");
        }
    }
}
