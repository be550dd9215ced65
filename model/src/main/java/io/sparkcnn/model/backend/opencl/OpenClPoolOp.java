package io.sparkcnn.model.backend.opencl;

import com.aparapi.Range;
import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.backend.PoolOp;

import static io.sparkcnn.model.backend.opencl.DeviceProgram.*;

/** Max and average pooling, 1/2/3-D; backward gathers per input element (no atomics). */
final class OpenClPoolOp implements PoolOp {
    private final ProgramHost host;
    private final DeviceProgram p;
    private final PoolGeom g;
    private final int outCount, inCount;
    private final Range forwardRange, backwardRange;
    private final String forwardName, backwardName;

    OpenClPoolOp(ProgramHost host, PoolGeom g) {
        this.host = host;
        this.p = host.program;
        this.g = g;
        this.outCount = g.n() * g.outSize();
        this.inCount = g.n() * g.inSize();
        forwardRange = host.range1d(outCount);
        backwardRange = host.range1d(inCount);
        forwardName = (g.max() ? "max" : "average") + " pool forward";
        backwardName = (g.max() ? "max" : "average") + " pool backward";
    }

    @Override
    public PoolGeom geom() { return g; }

    private void geometry() {
        p.gD = g.id(); p.gH = g.ih(); p.gW = g.iw();
        p.gKD = g.kd(); p.gKH = g.kh(); p.gKW = g.kw();
        p.gSD = g.sd(); p.gSH = g.sh(); p.gSW = g.sw();
        p.gPD = g.pd(); p.gPH = g.ph(); p.gPW = g.pw();
        p.gOD = g.od(); p.gOH = g.oh(); p.gOW = g.ow();
        p.i0 = g.max() ? 1 : 0;
        p.i1 = g.countIncludePad() ? 1 : 0;
    }

    // x (N,C,D,H,W) -> y (N,C,OD,OH,OW), argmax (N,C,OD,OH,OW)
    @Override
    public void forward(int x, int y, int argmax) {
        geometry();
        p.n = outCount;
        p.o0 = x; p.o1 = y; p.o2 = g.max() ? argmax : y;
        host.launch(OP_POOL_FORWARD, forwardRange, forwardName);
    }

    // dy (N,C,OD,OH,OW) -> dx (N,C,D,H,W) +=
    @Override
    public void backward(int dy, int argmax, int dx) {
        geometry();
        p.n = inCount;
        p.o0 = dy; p.o1 = g.max() ? argmax : dy; p.o2 = dx;
        host.launch(OP_POOL_BACKWARD, backwardRange, backwardName);
    }
}
