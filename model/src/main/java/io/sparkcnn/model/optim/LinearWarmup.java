package io.sparkcnn.model.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linear warmup over another schedule, as torch's LinearLR chained with it: the inner rate
 * times a factor that rises from startFactor at step 0 to 1 at warmupSteps and stays 1.
 * The inner schedule keeps its own step count (a cosine over totalSteps still ends at totalSteps),
 * so the rate is continuous at the end of the warmup.
 */
public record LinearWarmup(long warmupSteps, double startFactor, LrSchedule after) implements LrSchedule {

    public LinearWarmup {
        if (warmupSteps <= 0) throw new IllegalArgumentException("warmupSteps must be positive for a warmup, got " + warmupSteps);
        if (!(startFactor >= 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("warmupStartFactor must be in [0, 1], got " + startFactor);
        }
        if (after == null) throw new IllegalArgumentException("a warmup needs the schedule it leads into");
        if (after instanceof LinearWarmup) throw new IllegalArgumentException("a warmup cannot wrap another warmup");
    }

    @Override
    public String name() { return after.name(); }

    @Override
    public double lr(double baseLr, long step) {
        LrSchedule.checkStep(step);
        double factor = step >= warmupSteps ? 1.0 : startFactor + (1 - startFactor) * step / (double) warmupSteps;
        return after.lr(baseLr, step) * factor;
    }

    @Override
    public Map<String, Object> toConfig() {
        Map<String, Object> m = new LinkedHashMap<>(after.toConfig());
        m.put("warmupSteps", warmupSteps);
        m.put("warmupStartFactor", startFactor);
        return m;
    }
}
