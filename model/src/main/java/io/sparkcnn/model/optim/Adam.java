package io.sparkcnn.model.optim;

import io.sparkcnn.model.backend.Backend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.Adam, or AdamW when decoupled: Adam adds weightDecay * p to the gradient,
 * AdamW multiplies p by (1 - lr * weightDecay) first. m = b1 m + (1 - b1) g,
 * v = b2 v + (1 - b2) g^2, p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * State: m in slot 0, v in slot 1.
 */
public record Adam(float beta1, float beta2, float eps, float weightDecay, boolean decoupled) implements Optimizer {

    public Adam {
        if (!(beta1 >= 0f && beta1 < 1f)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0f && beta2 < 1f)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps >= 0f)) throw new IllegalArgumentException("epsilon must be >= 0, got " + eps);
        if (!(weightDecay >= 0f)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
    }

    /** torch.optim.Adam's defaults. */
    public static Adam adam() { return new Adam(0.9f, 0.999f, 1e-8f, 0f, false); }

    /** torch.optim.AdamW's defaults (weight decay 0.01). */
    public static Adam adamW() { return new Adam(0.9f, 0.999f, 1e-8f, 0.01f, true); }

    @Override
    public String name() { return decoupled ? "adamw" : "adam"; }

    @Override
    public int stateSlots() { return 2; }

    @Override
    public void update(Backend backend, int off, int n, int paramCount, float lr, long stepNumber) {
        if (stepNumber < 1 || stepNumber > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Adam's step number must be in [1, 2^31), got " + stepNumber);
        }
        backend.optimizer().adam(off, n, lr, beta1, beta2, eps, weightDecay, decoupled, (int) stepNumber,
                off, paramCount + off);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", name());
        m.put("beta1", ConfigDecimal.of(beta1));
        m.put("beta2", ConfigDecimal.of(beta2));
        m.put("epsilon", ConfigDecimal.of(eps));
        m.put("weightDecay", ConfigDecimal.of(weightDecay));
        return m;
    }
}
