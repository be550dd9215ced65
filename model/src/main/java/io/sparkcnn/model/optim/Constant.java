package io.sparkcnn.model.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/** The base learning rate at every step. */
public record Constant() implements LrSchedule {
    @Override
    public String name() { return "constant"; }

    @Override
    public double lr(double baseLr, long step) {
        LrSchedule.checkStep(step);
        return baseLr;
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schedule", name());
        return m;
    }
}
