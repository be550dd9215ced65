package io.sparkcnn.jobs.checkpoint;

import io.sparkcnn.model.checkpoint.Checkpoint;

import java.util.Arrays;

/**
 * The outer optimizer's momentum buffer (train.outerOptimizer=nesterov) in a checkpoint: one more
 * slot of the parameters' length after the engine optimizer's slots in the OPTS section, so it is
 * CRC-checked like them and the format does not change; the optimizer name gets {@link #SUFFIX}
 * (e.g. {@code adam+outer-nesterov}; {@code none+outer-nesterov} when the engine's optimizer keeps
 * no state). A reader that does not know the suffix sees one slot more than its optimizer has.
 */
public final class OuterMomentumSlot {
    public static final String SUFFIX = "+outer-nesterov";

    private OuterMomentumSlot() {}

    /** c with u appended as the last optimizer slot; c itself when u is empty (no outer optimizer). */
    public static Checkpoint with(Checkpoint c, float[] u) {
        if (u.length == 0) return c;
        int p = c.params().length;
        if (u.length != p) throw new IllegalArgumentException("outer momentum of " + u.length + " floats for " + p + " parameters");
        float[] opt = Arrays.copyOf(c.optimizerState(), c.optimizerState().length + p);
        System.arraycopy(u, 0, opt, c.optimizerState().length, p);
        String inner = c.optimizerSlots() == 0 ? Checkpoint.NO_OPTIMIZER : c.optimizer();
        return new Checkpoint(c.network(), c.trainerConfig(), c.codeVersion(), c.seed(), c.counters(), c.params(),
                c.buffers(), inner + SUFFIX, c.optimizerSlots() + 1, opt, c.data());
    }

    /** Whether c holds an outer momentum slot. */
    public static boolean holds(Checkpoint c) {
        return c.optimizer().endsWith(SUFFIX) && c.optimizerSlots() >= 1;
    }

    /** The engine optimizer's state of c: every slot but the outer momentum's. */
    public static float[] innerState(Checkpoint c) {
        float[] opt = c.optimizerState();
        return holds(c) ? Arrays.copyOf(opt, opt.length - c.params().length) : opt;
    }

    /** The outer momentum of c; empty when it holds none. */
    public static float[] momentum(Checkpoint c) {
        float[] opt = c.optimizerState();
        return holds(c) ? Arrays.copyOfRange(opt, opt.length - c.params().length, opt.length) : new float[0];
    }
}
