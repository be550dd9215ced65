package io.sparkcnn.model.optim;

import io.sparkcnn.model.backend.Backend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.RMSprop (not centred): g += weightDecay * p; sq = alpha * sq + (1 - alpha) * g^2;
 * with momentum, buf = momentum * buf + g / (sqrt(sq) + eps) and p -= lr * buf, else
 * p -= lr * g / (sqrt(sq) + eps). State: sq in slot 0, buf in slot 1 when momentum &gt; 0.
 */
public record RmsProp(float alpha, float eps, float weightDecay, float momentum) implements Optimizer {

    public RmsProp {
        if (!(alpha >= 0f && alpha <= 1f)) throw new IllegalArgumentException("rmsAlpha must be in [0, 1], got " + alpha);
        if (!(eps >= 0f)) throw new IllegalArgumentException("epsilon must be >= 0, got " + eps);
        if (!(weightDecay >= 0f)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (!(momentum >= 0f)) throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
    }

    /** torch's defaults: alpha 0.99, eps 1e-8, no weight decay, no momentum. */
    public static RmsProp defaults() { return new RmsProp(0.99f, 1e-8f, 0f, 0f); }

    @Override
    public String name() { return "rmsprop"; }

    @Override
    public int stateSlots() { return momentum > 0f ? 2 : 1; }

    @Override
    public void update(Backend backend, int off, int n, int paramCount, float lr, long stepNumber) {
        backend.optimizer().rmsprop(off, n, lr, alpha, eps, weightDecay, momentum, off,
                momentum > 0f ? paramCount + off : -1);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", name());
        m.put("rmsAlpha", ConfigDecimal.of(alpha));
        m.put("epsilon", ConfigDecimal.of(eps));
        m.put("weightDecay", ConfigDecimal.of(weightDecay));
        m.put("momentum", ConfigDecimal.of(momentum));
        return m;
    }
}
