package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.OptimizerOps;

import static io.sparkcnn.model.backend.opencl.DeviceProgram.*;

/** In-place parameter updates on the device, elementwise over params/grads/opt. */
final class OpenClOptimizerOps implements OptimizerOps {
    private final ProgramHost host;
    private final DeviceProgram p;

    OpenClOptimizerOps(ProgramHost host) {
        this.host = host;
        this.p = host.program;
    }

    @Override
    public void sgd(int off, int n, float lr, float momentum, float dampening, boolean nesterov, float weightDecay, int vel) {
        if (n == 0) return;
        p.n = n; p.o0 = off; p.o1 = Math.max(vel, 0);
        p.f0 = lr; p.f1 = momentum; p.f2 = dampening; p.f3 = weightDecay;
        p.i0 = nesterov ? 1 : 0;
        host.launch(OP_SGD, host.range1d(n), "sgd");
    }

    @Override
    public void adagrad(int off, int n, float lr, float eps, float weightDecay, int acc) {
        if (n == 0) return;
        p.n = n; p.o0 = off; p.o1 = acc;
        p.f0 = lr; p.f1 = eps; p.f3 = weightDecay;
        host.launch(OP_ADAGRAD, host.range1d(n), "adagrad");
    }

    @Override
    public void rmsprop(int off, int n, float lr, float alpha, float eps, float weightDecay, float momentum, int sq, int mom) {
        if (n == 0) return;
        p.n = n; p.o0 = off; p.o1 = sq; p.o2 = mom;
        p.f0 = lr; p.f1 = alpha; p.f2 = eps; p.f3 = weightDecay; p.f4 = momentum;
        host.launch(OP_RMSPROP, host.range1d(n), "rmsprop");
    }

    @Override
    public void adam(int off, int n, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled,
                     int t, int m, int v) {
        if (n == 0) return;
        p.n = n; p.o0 = off; p.o1 = m; p.o2 = v;
        p.f0 = lr; p.f1 = beta1; p.f2 = beta2; p.f3 = eps; p.f4 = weightDecay;
        p.f5 = (float) (lr / (1.0 - Math.pow(beta1, t)));
        p.f6 = (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, t)));
        p.i0 = decoupled ? 1 : 0;
        host.launch(OP_ADAM, host.range1d(n), decoupled ? "adamw" : "adam");
    }
}
