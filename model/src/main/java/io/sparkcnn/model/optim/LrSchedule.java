package io.sparkcnn.model.optim;

import io.sparkcnn.model.train.TrainerConfig;

import java.util.Map;

/**
 * The learning rate as a pure function of the base rate and the update count, so that
 * resuming, or a Spark worker told the global step, lands on exactly the rate an
 * uninterrupted run would use: nothing is stored, nothing resets.
 */
public interface LrSchedule {

    /** The config name, e.g. "cosine". */
    String name();

    /**
     * The learning rate of update number step, counted from 0 (the first update uses
     * {@code lr(baseLr, 0)}), across epochs, rounds and resumes.
     */
    double lr(double baseLr, long step);

    /** The settings under {@link TrainerConfig}'s names, "schedule" included. */
    Map<String, Object> toConfig();

    /** The schedule a config map names; missing settings take TrainerConfig's defaults. */
    static LrSchedule fromConfig(Map<String, ?> config) {
        return TrainerConfig.fromMap(config).newLrSchedule();
    }

    static void checkStep(long step) {
        if (step < 0) throw new IllegalArgumentException("a schedule's step counts from 0, got " + step);
    }
}
