package io.sparkcnn.model.optim;

import io.sparkcnn.model.backend.Backend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.SGD: g += weightDecay * p; with momentum, buf = momentum * buf + (1 - dampening) * g
 * (buf = g on the first step), then g = nesterov ? g + momentum * buf : buf; p -= lr * g.
 */
public record Sgd(float momentum, float dampening, boolean nesterov, float weightDecay) implements Optimizer {

    public Sgd {
        if (!(momentum >= 0f)) throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
        if (!(dampening >= 0f && dampening <= 1f)) throw new IllegalArgumentException("dampening must be in [0, 1], got " + dampening);
        if (!(weightDecay >= 0f)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (nesterov && (momentum == 0f || dampening != 0f)) {
            throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening 0 (as torch.optim.SGD), got momentum="
                    + momentum + " dampening=" + dampening);
        }
    }

    /** Plain SGD without momentum or weight decay. */
    public static Sgd plain() { return new Sgd(0f, 0f, false, 0f); }

    public static Sgd momentum(float momentum) { return new Sgd(momentum, 0f, false, 0f); }

    @Override
    public String name() { return "sgd"; }

    @Override
    public int stateSlots() { return momentum > 0f ? 1 : 0; }

    @Override
    public void update(Backend backend, int off, int n, int paramCount, float lr, long stepNumber) {
        // torch starts the buffer as a copy of g; from a zeroed buffer that is the update with dampening 0.
        float damp = stepNumber == 1 ? 0f : dampening;
        backend.optimizer().sgd(off, n, lr, momentum, damp, nesterov, weightDecay, momentum > 0f ? off : -1);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", name());
        m.put("momentum", ConfigDecimal.of(momentum));
        m.put("dampening", ConfigDecimal.of(dampening));
        m.put("nesterov", nesterov);
        m.put("weightDecay", ConfigDecimal.of(weightDecay));
        return m;
    }
}
