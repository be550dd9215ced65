package io.sparkcnn.model.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Polynomial decay to endLr over totalSteps: (base - endLr) * (1 - min(step, T) / T)^power + endLr
 * (torch's PolynomialLR when endLr is 0), held at endLr afterwards.
 */
public record Polynomial(long totalSteps, double power, double endLr) implements LrSchedule {

    public Polynomial {
        if (totalSteps <= 0) throw new IllegalArgumentException("totalSteps must be positive for the polynomial schedule, got " + totalSteps);
        if (!(power > 0)) throw new IllegalArgumentException("polyPower must be positive, got " + power);
        if (!(endLr >= 0)) throw new IllegalArgumentException("minLearningRate must be >= 0, got " + endLr);
    }

    @Override
    public String name() { return "polynomial"; }

    @Override
    public double lr(double baseLr, long step) {
        LrSchedule.checkStep(step);
        double remaining = 1 - Math.min(step, totalSteps) / (double) totalSteps;
        return (baseLr - endLr) * Math.pow(remaining, power) + endLr;
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schedule", name());
        m.put("totalSteps", totalSteps);
        m.put("polyPower", power);
        m.put("minLearningRate", endLr);
        return m;
    }
}
