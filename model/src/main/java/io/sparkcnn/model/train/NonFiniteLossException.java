package io.sparkcnn.model.train;

/**
 * Training produced a NaN or infinite loss (or gradient norm) at a step; the update of that
 * step was not applied, so the parameters, optimizer state and batch-norm statistics are
 * those after the previous step.
 */
public final class NonFiniteLossException extends ArithmeticException {
    private final long step;
    private final float value;

    /**
     * @param step the failed step, counted from 1 (the trainer had applied step - 1 updates)
     * @param quantity what was not finite: "loss" or "gradient norm"
     */
    public NonFiniteLossException(long step, String quantity, float value) {
        super(quantity + " is " + value + " at step " + step + "; the update was not applied (parameters are those after step "
                + (step - 1) + ")");
        this.step = step;
        this.value = value;
    }

    /** The failed step, counted from 1. */
    public long step() { return step; }

    public float value() { return value; }
}
