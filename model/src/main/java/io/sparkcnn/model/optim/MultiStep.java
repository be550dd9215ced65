package io.sparkcnn.model.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** torch's MultiStepLR: base * gamma^(number of milestones &lt;= step); milestones strictly increasing. */
public record MultiStep(long[] milestones, double gamma) implements LrSchedule {

    public MultiStep {
        if (milestones == null || milestones.length == 0) {
            throw new IllegalArgumentException("milestones must name at least one step for the multistep schedule");
        }
        milestones = milestones.clone();
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] <= 0 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("milestones must be positive and strictly increasing, got "
                        + java.util.Arrays.toString(milestones));
            }
        }
        if (!(gamma > 0)) throw new IllegalArgumentException("decayRate must be positive, got " + gamma);
    }

    @Override
    public long[] milestones() { return milestones.clone(); }

    @Override
    public String name() { return "multistep"; }

    @Override
    public double lr(double baseLr, long step) {
        LrSchedule.checkStep(step);
        int passed = 0;
        while (passed < milestones.length && milestones[passed] <= step) passed++;
        return baseLr * Math.pow(gamma, passed);
    }

    @Override
    public Map<String, Object> toConfig() {
        List<Long> ms = new ArrayList<>();
        for (long m : milestones) ms.add(m);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schedule", name());
        m.put("milestones", ms);
        m.put("decayRate", gamma);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiStep s && java.util.Arrays.equals(milestones, s.milestones) && gamma == s.gamma;
    }

    @Override
    public int hashCode() { return java.util.Arrays.hashCode(milestones) * 31 + Double.hashCode(gamma); }

    @Override
    public String toString() { return "MultiStep[milestones=" + java.util.Arrays.toString(milestones) + ", gamma=" + gamma + "]"; }
}
