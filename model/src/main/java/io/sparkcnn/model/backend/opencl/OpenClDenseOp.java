package io.sparkcnn.model.backend.opencl;

import com.aparapi.Range;
import io.sparkcnn.model.backend.DenseOp;

import static io.sparkcnn.model.backend.opencl.DeviceProgram.*;

/** A fully connected layer as three tiled GEMMs: x (N,IN), W (OUT,IN), y (N,OUT). */
final class OpenClDenseOp implements DenseOp {
    private final ProgramHost host;
    private final DeviceProgram p;
    private final int batch, in, out;
    private final ProgramHost.Gemm forwardGemm, dataGemm, weightGemm;
    private final Range biasRange;

    OpenClDenseOp(ProgramHost host, int batch, int in, int out) {
        this.host = host;
        this.p = host.program;
        this.batch = batch;
        this.in = in;
        this.out = out;
        forwardGemm = host.gemm(batch, out, 1);
        dataGemm = host.gemm(batch, in, 1);
        weightGemm = host.gemm(out, in, 1);
        biasRange = host.perChannel(out);
    }

    private void gemm(int m, int n, int k, int aOff, int aRs, int aCs, int bArena, int bOff, int bRs, int bCs,
                      int cArena, int cOff, int accumulate, int biasMode, int biasOff) {
        p.mM = m; p.mN = n; p.mK = k;
        p.aMode = STRIDED; p.aArena = ACTS; p.aOff = aOff; p.aRs = aRs; p.aCs = aCs; p.aGs = 0;
        p.bMode = STRIDED; p.bArena = bArena; p.bOff = bOff; p.bRs = bRs; p.bCs = bCs; p.bGs = 0;
        p.cMode = STRIDED; p.cArena = cArena; p.cOff = cOff; p.cRs = n; p.cCs = 1; p.cGs = 0;
        p.accumulate = accumulate;
        p.biasMode = biasMode; p.biasOff = biasOff;
    }

    // x (N,IN) W^T (IN,OUT) + b -> y (N,OUT)
    @Override
    public void forward(int x, int w, int b, int y) {
        gemm(batch, out, in, x, in, 1, PARAMS, w, 1, in, ACTS, y, 0, b >= 0 ? 2 : 0, Math.max(b, 0));
        host.launch(forwardGemm, "dense forward");
    }

    // dy (N,OUT) W (OUT,IN) -> dx (N,IN) +=
    @Override
    public void backwardData(int dy, int w, int dx) {
        gemm(batch, in, out, dy, out, 1, PARAMS, w, in, 1, ACTS, dx, 1, 0, 0);
        host.launch(dataGemm, "dense backward data");
    }

    // dy^T (OUT,N) x (N,IN) -> dw (OUT,IN) +=; db (OUT) += column sums of dy
    @Override
    public void backwardWeights(int x, int dy, int dw, int db) {
        gemm(out, in, batch, dy, 1, out, ACTS, x, in, 1, GRADS, dw, 1, 0, 0);
        host.launch(weightGemm, "dense backward weights");
        if (db >= 0) {
            p.i0 = batch; p.i1 = out; p.i2 = 1;
            p.o0 = dy; p.o1 = db;
            host.launch(OP_CHANNEL_SUM, biasRange, "dense bias gradient");
        }
    }
}
