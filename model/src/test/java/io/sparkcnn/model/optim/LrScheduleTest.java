package io.sparkcnn.model.optim;

import io.sparkcnn.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schedule values at chosen steps, warmup boundaries, and the config round trip. */
class LrScheduleTest {
    private static final double BASE = 0.1;
    private static final double TOL = 1e-12;

    @Test
    void constantIsTheBaseEverywhere() {
        LrSchedule s = new Constant();
        for (long step : new long[]{0, 1, 1_000_000_000_000L}) assertEquals(BASE, s.lr(BASE, step), TOL);
    }

    @Test
    void stepDecayMultipliesEveryStepSize() {
        LrSchedule s = new StepDecay(10, 0.5);
        assertEquals(0.1, s.lr(BASE, 0), TOL);
        assertEquals(0.1, s.lr(BASE, 9), TOL);
        assertEquals(0.05, s.lr(BASE, 10), TOL);
        assertEquals(0.05, s.lr(BASE, 19), TOL);
        assertEquals(0.025, s.lr(BASE, 20), TOL);
        assertEquals(0.1 * Math.pow(0.5, 10), s.lr(BASE, 105), TOL);
    }

    @Test
    void multiStepDecaysAtEachMilestone() {
        LrSchedule s = new MultiStep(new long[]{5, 8}, 0.1);
        assertEquals(0.1, s.lr(BASE, 4), TOL);
        assertEquals(0.01, s.lr(BASE, 5), TOL);
        assertEquals(0.01, s.lr(BASE, 7), TOL);
        assertEquals(0.001, s.lr(BASE, 8), TOL);
        assertEquals(0.001, s.lr(BASE, 1_000), TOL);
    }

    @Test
    void cosineFallsFromBaseToMinAndStays() {
        LrSchedule s = new Cosine(100, 0.001);
        assertEquals(0.1, s.lr(BASE, 0), TOL);
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI / 4)) / 2, s.lr(BASE, 25), TOL);
        assertEquals((0.1 + 0.001) / 2, s.lr(BASE, 50), TOL);
        assertEquals(0.001, s.lr(BASE, 100), TOL);
        assertEquals(0.001, s.lr(BASE, 150), TOL);
    }

    @Test
    void polynomialReachesItsEndRate() {
        LrSchedule s = new Polynomial(10, 2, 0);
        assertEquals(0.1, s.lr(BASE, 0), TOL);
        assertEquals(0.1 * 0.25, s.lr(BASE, 5), TOL);
        assertEquals(0.0, s.lr(BASE, 10), TOL);
        LrSchedule withEnd = new Polynomial(4, 1, 0.02);
        assertEquals(0.02 + 0.08 * 0.75, withEnd.lr(BASE, 1), TOL);
        assertEquals(0.02, withEnd.lr(BASE, 4), TOL);
        assertEquals(0.02, withEnd.lr(BASE, 40), TOL);
    }

    @Test
    void linearWarmupRampsToTheInnerScheduleAndHandsOver() {
        LrSchedule s = new LinearWarmup(4, 0.25, new Constant());
        assertEquals(0.1 * 0.25, s.lr(BASE, 0), TOL);
        assertEquals(0.1 * 0.4375, s.lr(BASE, 1), TOL);
        assertEquals(0.1 * 0.8125, s.lr(BASE, 3), TOL);
        assertEquals(0.1, s.lr(BASE, 4), TOL, "the warmup ends at warmupSteps");
        assertEquals(0.1, s.lr(BASE, 5), TOL);

        Cosine cosine = new Cosine(20, 0);
        LrSchedule w = new LinearWarmup(5, 0.0, cosine);
        assertEquals(0.0, w.lr(BASE, 0), TOL);
        assertEquals(cosine.lr(BASE, 3) * 0.6, w.lr(BASE, 3), TOL, "during warmup: the inner rate times the ramp");
        assertEquals(cosine.lr(BASE, 5), w.lr(BASE, 5), TOL, "after warmup: the inner schedule at the same step");
        assertEquals(cosine.lr(BASE, 20), w.lr(BASE, 20), TOL);
        assertEquals(cosine.lr(BASE, 4) * 0.8, w.lr(BASE, 4), TOL, "the last warmup step");
    }

    @Test
    void theStepIsAPureArgument() {
        // resuming at step k gives the rate an uninterrupted run has at k: nothing is stored
        LrSchedule s = new LinearWarmup(10, 0.1, new Cosine(1_000, 1e-4));
        double at500 = s.lr(BASE, 500);
        for (long k = 0; k < 600; k++) s.lr(BASE, k);
        assertEquals(at500, s.lr(BASE, 500), 0.0);
        assertThrows(IllegalArgumentException.class, () -> s.lr(BASE, -1));
    }

    @Test
    void configBuildsAndRoundTripsEverySchedule() {
        List<Map<String, Object>> configs = List.of(
                Map.of("schedule", "constant"),
                Map.of("schedule", "step", "decaySteps", 30, "decayRate", 0.5),
                Map.of("schedule", "multistep", "milestones", List.of(100, 200), "decayRate", 0.2),
                Map.of("schedule", "multistep", "milestones", "100, 300"),
                Map.of("schedule", "cosine", "totalSteps", 5000, "minLearningRate", 1e-5),
                Map.of("schedule", "polynomial", "totalSteps", "700", "polyPower", 0.9),
                Map.of("schedule", "cosine", "totalSteps", 5000, "warmupSteps", 100, "warmupStartFactor", 0.01));
        for (Map<String, Object> c : configs) {
            LrSchedule s = LrSchedule.fromConfig(c);
            assertEquals(s, LrSchedule.fromConfig(s.toConfig()), "round trip of " + c);
        }
        assertEquals(new LinearWarmup(100, 0.01, new Cosine(5000, 0)), LrSchedule.fromConfig(configs.get(6)));
        assertEquals(new MultiStep(new long[]{100, 300}, 0.1), LrSchedule.fromConfig(configs.get(3)));
    }

    @Test
    void schedulesMissingTheirLengthAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LrSchedule.fromConfig(Map.of("schedule", "cosine")));
        assertTrue(e.getMessage().contains("totalSteps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.fromConfig(Map.of("schedule", "step")));
        assertTrue(e.getMessage().contains("decaySteps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LrSchedule.fromConfig(Map.of("schedule", "multistep", "milestones", List.of(5, 5))));
        assertTrue(e.getMessage().contains("milestones"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.fromMap(Map.of("schedule", "exponential")));
        assertTrue(e.getMessage().contains("exponential"), e.getMessage());
    }
}
