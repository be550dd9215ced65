package io.sparkcnn.model.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch's CosineAnnealingLR without restarts: minLr + (base - minLr) * (1 + cos(pi * step / totalSteps)) / 2,
 * held at minLr after totalSteps.
 */
public record Cosine(long totalSteps, double minLr) implements LrSchedule {

    public Cosine {
        if (totalSteps <= 0) throw new IllegalArgumentException("totalSteps must be positive for the cosine schedule, got " + totalSteps);
        if (!(minLr >= 0)) throw new IllegalArgumentException("minLearningRate must be >= 0, got " + minLr);
    }

    @Override
    public String name() { return "cosine"; }

    @Override
    public double lr(double baseLr, long step) {
        LrSchedule.checkStep(step);
        double progress = Math.min(step, totalSteps) / (double) totalSteps;
        return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schedule", name());
        m.put("totalSteps", totalSteps);
        m.put("minLearningRate", minLr);
        return m;
    }
}
