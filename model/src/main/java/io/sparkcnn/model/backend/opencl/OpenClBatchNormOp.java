package io.sparkcnn.model.backend.opencl;

import com.aparapi.Range;
import io.sparkcnn.model.backend.BatchNormOp;

import static io.sparkcnn.model.backend.opencl.DeviceProgram.*;

/**
 * Batch norm over x (N,C,S): statistics and gradient sums by one work-group per channel
 * reducing in local memory, then an elementwise pass.
 */
final class OpenClBatchNormOp implements BatchNormOp {
    private final ProgramHost host;
    private final DeviceProgram p;
    private final int batch, channels, spatial, count;
    private final float eps, momentum;
    private final Range channelRange, elementRange;

    OpenClBatchNormOp(ProgramHost host, int batch, int channels, int spatial, float eps, float momentum) {
        this.host = host;
        this.p = host.program;
        this.batch = batch;
        this.channels = channels;
        this.spatial = spatial;
        this.count = batch * channels * spatial;
        this.eps = eps;
        this.momentum = momentum;
        host.reserveScratch(BN_SUMS + 2 * channels);
        channelRange = host.perChannel(channels);
        elementRange = host.range1d(count);
    }

    private void sizes() {
        p.n = count;
        p.i0 = batch; p.i1 = channels; p.i2 = spatial;
        p.f0 = eps; p.f1 = momentum;
    }

    // x (N,C,S) -> y (N,C,S); saveMean, saveInvStd (C); running stats (C) updated
    @Override
    public void forwardTrain(int x, int gamma, int beta, int runMean, int runVar, int y, int saveMean, int saveInvStd) {
        sizes();
        p.o0 = x; p.o1 = saveMean; p.o2 = saveInvStd; p.o3 = runMean; p.o4 = runVar;
        host.launch(OP_BN_STATS, channelRange, "batch norm statistics");
        p.i3 = 0;
        p.o0 = x; p.o1 = saveMean; p.o2 = saveInvStd; p.o3 = gamma; p.o4 = beta; p.o5 = y;
        host.launch(OP_BN_NORMALIZE, elementRange, "batch norm normalize");
    }

    @Override
    public void forwardEval(int x, int gamma, int beta, int runMean, int runVar, int y) {
        sizes();
        p.i3 = 1;
        p.o0 = x; p.o1 = runMean; p.o2 = runVar; p.o3 = gamma; p.o4 = beta; p.o5 = y;
        host.launch(OP_BN_NORMALIZE, elementRange, "batch norm eval");
    }

    // dy (N,C,S) -> dx (N,C,S) +=, dgamma, dbeta (C) +=
    @Override
    public void backward(int x, int dy, int gamma, int saveMean, int saveInvStd, int dx, int dgamma, int dbeta) {
        sizes();
        p.i3 = 0;
        p.o0 = x; p.o1 = dy; p.o2 = saveMean; p.o3 = saveInvStd; p.o4 = dgamma; p.o5 = dbeta;
        host.launch(OP_BN_BACKWARD_SUMS, channelRange, "batch norm backward sums");
        p.o6 = dx; p.o7 = gamma;
        host.launch(OP_BN_BACKWARD_DX, elementRange, "batch norm backward dx");
    }

    // dy (N,C,S) -> dx (N,C,S) +=, dgamma, dbeta (C) +=; running statistics in BUFFERS are constants
    @Override
    public void backwardEval(int x, int dy, int gamma, int runMean, int runVar, int dx, int dgamma, int dbeta) {
        sizes();
        p.i3 = 1;
        p.o0 = x; p.o1 = dy; p.o2 = runMean; p.o3 = runVar; p.o4 = dgamma; p.o5 = dbeta;
        host.launch(OP_BN_BACKWARD_SUMS, channelRange, "batch norm eval backward sums");
        if (dx < 0) return;
        p.o6 = dx; p.o7 = gamma;
        host.launch(OP_BN_BACKWARD_DX, elementRange, "batch norm eval backward dx");
    }
}
