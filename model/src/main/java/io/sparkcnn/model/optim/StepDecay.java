package io.sparkcnn.model.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/** torch's StepLR: base * gamma^floor(step / stepSize). */
public record StepDecay(long stepSize, double gamma) implements LrSchedule {

    public StepDecay {
        if (stepSize <= 0) throw new IllegalArgumentException("decaySteps must be positive for the step schedule, got " + stepSize);
        if (!(gamma > 0)) throw new IllegalArgumentException("decayRate must be positive, got " + gamma);
    }

    @Override
    public String name() { return "step"; }

    @Override
    public double lr(double baseLr, long step) {
        LrSchedule.checkStep(step);
        return baseLr * Math.pow(gamma, step / stepSize);
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schedule", name());
        m.put("decaySteps", stepSize);
        m.put("decayRate", gamma);
        return m;
    }
}
