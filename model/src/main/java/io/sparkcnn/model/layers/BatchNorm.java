package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.BatchNormOp;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalisation per channel over the batch and every spatial position: in (N,C,...)
 * -> out of the same shape; works for (C), (C,L), (C,H,W) and (C,D,H,W) inputs (PyTorch's
 * BatchNorm1d/2d/3d). gamma and beta are trainable (PARAMS); the running mean and variance
 * are saved state (BUFFERS), updated in training with momentum as PyTorch does
 * (r = (1-momentum) r + momentum batch, unbiased variance) and used in evaluation.
 */
public record BatchNorm(float eps, float momentum) implements LayerSpec {

    public static final float DEFAULT_EPS = 1e-5f;
    public static final float DEFAULT_MOMENTUM = 0.1f;

    public BatchNorm {
        if (!(eps > 0f)) throw new IllegalArgumentException("eps must be positive, got " + eps);
        if (!(momentum >= 0f && momentum <= 1f)) throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
    }

    public BatchNorm() { this(DEFAULT_EPS, DEFAULT_MOMENTUM); }

    @Override
    public String type() { return "batchnorm"; }

    @Override
    public Shape outputShape(List<Shape> inputs) { return inputs.get(0); }

    @Override
    public long paramCount(List<Shape> inputs) { return 2L * inputs.get(0).channels(); }

    @Override
    public long bufferCount(List<Shape> inputs) { return 2L * inputs.get(0).channels(); }

    @Override
    public long flops(List<Shape> inputs) { return 2L * inputs.get(0).size(); }

    @Override
    public LayerRuntime plan(LayerPlan plan) {
        Shape in = plan.inputShape();
        int c = in.channels();
        int gamma = plan.params(c, Init.ones());
        int beta = plan.params(c, Init.zeros());
        int runMean = plan.buffers(c, 0f);
        int runVar = plan.buffers(c, 1f);
        int saveMean = plan.cache(c);
        int saveInvStd = plan.cache(c);
        return new Runtime(plan.batch(), c, in.spatialSize(), plan.input(0), plan.inputGrad(0), plan.output(),
                plan.outputGrad(), gamma, beta, runMean, runVar, saveMean, saveInvStd);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eps", (double) eps);
        m.put("momentum", (double) momentum);
        return m;
    }

    private final class Runtime implements LayerRuntime {
        private final int n, c, s, x, dx, y, dy, gamma, beta, runMean, runVar, saveMean, saveInvStd;
        private BatchNormOp op;
        private boolean lastForwardTrained;

        Runtime(int n, int c, int s, int x, int dx, int y, int dy, int gamma, int beta, int runMean, int runVar,
                int saveMean, int saveInvStd) {
            this.n = n;
            this.c = c;
            this.s = s;
            this.x = x;
            this.dx = dx;
            this.y = y;
            this.dy = dy;
            this.gamma = gamma;
            this.beta = beta;
            this.runMean = runMean;
            this.runVar = runVar;
            this.saveMean = saveMean;
            this.saveInvStd = saveInvStd;
        }

        @Override
        public void bind(Backend backend) { op = backend.batchNorm(n, c, s, eps, momentum); }

        @Override
        public void forward(boolean training, long seed) {
            lastForwardTrained = training;
            if (training) op.forwardTrain(x, gamma, beta, runMean, runVar, y, saveMean, saveInvStd);
            else op.forwardEval(x, gamma, beta, runMean, runVar, y);
        }

        @Override
        public void backward() {
            // the gradient of the forward that ran: batch statistics, or running ones held constant
            if (lastForwardTrained) op.backward(x, dy, gamma, saveMean, saveInvStd, dx, gamma, beta);
            else op.backwardEval(x, dy, gamma, runMean, runVar, dx, gamma, beta);
        }
    }
}
