package io.sparkcnn.model.backend.opencl;

import com.aparapi.Range;
import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.ActivationOp;

import static io.sparkcnn.model.backend.opencl.DeviceProgram.*;

/** Pointwise activation over count elements. */
final class OpenClActivationOp implements ActivationOp {
    private final ProgramHost host;
    private final DeviceProgram p;
    private final int kind, count;
    private final float alpha;
    private final Range range;
    private final String forwardName, backwardName;

    OpenClActivationOp(ProgramHost host, Activation kind, float alpha, int count) {
        this.host = host;
        this.p = host.program;
        this.kind = kind.ordinal();
        this.alpha = alpha;
        this.count = count;
        this.range = host.range1d(count);
        String name = kind.name().toLowerCase(java.util.Locale.ROOT);
        this.forwardName = name + " forward";
        this.backwardName = name + " backward";
    }

    @Override
    public void forward(int x, int y) {
        p.n = count; p.i0 = kind; p.f0 = alpha;
        p.o0 = x; p.o1 = y;
        host.launch(OP_ACTIVATION_FORWARD, range, forwardName);
    }

    @Override
    public void backward(int x, int y, int dy, int dx) {
        p.n = count; p.i0 = kind; p.f0 = alpha;
        p.o0 = x; p.o1 = y; p.o2 = dy; p.o3 = dx;
        host.launch(OP_ACTIVATION_BACKWARD, range, backwardName);
    }
}
