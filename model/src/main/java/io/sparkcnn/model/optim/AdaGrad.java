package io.sparkcnn.model.optim;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Backend;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.Adagrad: clr = lr / (1 + (t - 1) * lrDecay); g += weightDecay * p;
 * sum += g^2; p -= clr * g / (sqrt(sum) + eps). The sum starts at initialAccumulator.
 */
public record AdaGrad(float lrDecay, float eps, float weightDecay, float initialAccumulator) implements Optimizer {

    public AdaGrad {
        if (!(lrDecay >= 0f)) throw new IllegalArgumentException("adagradLrDecay must be >= 0, got " + lrDecay);
        if (!(eps >= 0f)) throw new IllegalArgumentException("epsilon must be >= 0, got " + eps);
        if (!(weightDecay >= 0f)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (!(initialAccumulator >= 0f)) {
            throw new IllegalArgumentException("adagradInitialAccumulator must be >= 0, got " + initialAccumulator);
        }
    }

    /** torch's defaults: no decay, eps 1e-10, accumulator from 0. */
    public static AdaGrad defaults() { return new AdaGrad(0f, 1e-10f, 0f, 0f); }

    @Override
    public String name() { return "adagrad"; }

    @Override
    public int stateSlots() { return 1; }

    @Override
    public void initState(Backend backend, int paramCount) {
        backend.tensor().fill(Arena.OPT, 0, paramCount, initialAccumulator);
    }

    @Override
    public void update(Backend backend, int off, int n, int paramCount, float lr, long stepNumber) {
        float clr = (float) (lr / (1.0 + (stepNumber - 1) * (double) lrDecay));
        backend.optimizer().adagrad(off, n, clr, eps, weightDecay, off);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", name());
        m.put("adagradLrDecay", ConfigDecimal.of(lrDecay));
        m.put("epsilon", ConfigDecimal.of(eps));
        m.put("weightDecay", ConfigDecimal.of(weightDecay));
        m.put("adagradInitialAccumulator", ConfigDecimal.of(initialAccumulator));
        return m;
    }
}
