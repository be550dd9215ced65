package io.sparkcnn.model.optim;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Backend;

/**
 * Clipping by global norm, as torch.nn.utils.clip_grad_norm_: with n = ||GRADS||_2 over all
 * parameters, the gradients are scaled by maxNorm / (n + 1e-6) when that is below 1. The norm
 * is reduced on the backend into one ACTS scratch float, so a device reads back one value.
 */
public record GradientClipping(float maxNorm) {

    public GradientClipping {
        if (!(maxNorm > 0f) || Float.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clipNorm must be positive and finite, got " + maxNorm);
        }
    }

    /**
     * Clips GRADS[0, paramCount) in place and returns the norm before clipping. A non-finite
     * norm leaves the gradients untouched and is returned for the caller to report.
     *
     * @param scratch an ACTS offset of one free float (Network.scratchOffset())
     */
    public float clip(Backend backend, int paramCount, int scratch) {
        backend.tensor().sumSquares(Arena.GRADS, 0, paramCount, scratch);
        float norm = (float) Math.sqrt(backend.read(Arena.ACTS, scratch));
        if (!Float.isFinite(norm)) return norm;
        float coef = maxNorm / (norm + 1e-6f);
        if (coef < 1f) backend.tensor().scale(Arena.GRADS, 0, paramCount, coef);
        return norm;
    }
}
