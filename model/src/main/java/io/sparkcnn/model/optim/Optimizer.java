package io.sparkcnn.model.optim;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.train.TrainerConfig;

import java.util.Map;

/**
 * A parameter update rule over the whole PARAMS arena, reading GRADS and keeping its state
 * in OPT: {@link #stateSlots()} floats per parameter, slot k at OPT[k * paramCount]. The
 * classes only choose offsets and per-step scalars; the arithmetic is the backend's
 * {@link io.sparkcnn.model.backend.OptimizerOps}, so it runs where the arenas live.
 * Semantics follow torch.optim of the same name, step for step.
 */
public interface Optimizer {

    /** The config name: "sgd", "adagrad", "rmsprop", "adam" or "adamw". */
    String name();

    /** Floats of state per parameter; the network's OPT arena is this many times PARAMS. */
    int stateSlots();

    /**
     * Writes the starting state into a fresh OPT arena (zeros for all but AdaGrad's initial
     * accumulator). Not called on resume: restored state replaces it.
     */
    default void initState(Backend backend, int paramCount) {
        if (stateSlots() > 0) backend.tensor().fill(Arena.OPT, 0, stateSlots() * paramCount, 0f);
    }

    /**
     * One update of params[0, paramCount) from the gradients at learning rate lr.
     *
     * @param stepNumber 1 for the first update ever taken, counted across resumes (Adam's t)
     */
    default void step(Backend backend, int paramCount, float lr, long stepNumber) {
        update(backend, 0, paramCount, paramCount, lr, stepNumber);
    }

    /**
     * The same update on params[off, off+n) only (a parameter group of fine-tuning), with its state
     * at the same offsets of each slot; the rest of PARAMS and OPT is not touched.
     */
    void update(Backend backend, int off, int n, int paramCount, float lr, long stepNumber);

    /**
     * The settings under the names {@link TrainerConfig} uses, "optimizer" included, so that
     * {@link #fromConfig} re-creates an equal optimizer.
     */
    Map<String, Object> toConfig();

    /** The optimizer a config map names; missing settings take TrainerConfig's defaults. */
    static Optimizer fromConfig(Map<String, ?> config) {
        return TrainerConfig.fromMap(config).newOptimizer();
    }
}
