package io.sparkcnn.model.layers;

import java.util.SplittableRandom;

/**
 * How a parameter region starts. He (Kaiming) normal for layers followed by ReLU,
 * Xavier (Glorot) uniform otherwise; constants for biases and batch-norm scale/shift.
 */
public record Init(Kind kind, int fanIn, int fanOut, float value) {

    public enum Kind { HE_NORMAL, XAVIER_UNIFORM, CONSTANT }

    public static Init he(int fanIn) { return new Init(Kind.HE_NORMAL, fanIn, 0, 0f); }

    public static Init xavier(int fanIn, int fanOut) { return new Init(Kind.XAVIER_UNIFORM, fanIn, fanOut, 0f); }

    public static Init constant(float v) { return new Init(Kind.CONSTANT, 0, 0, v); }

    public static Init zeros() { return constant(0f); }

    public static Init ones() { return constant(1f); }

    /** Fills dst[off, off+n) from rng: the same seed gives the same values on every machine. */
    public void fill(float[] dst, int off, int n, SplittableRandom rng) {
        switch (kind) {
            case CONSTANT -> java.util.Arrays.fill(dst, off, off + n, value);
            case HE_NORMAL -> {
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < n; i++) dst[off + i] = (float) (gaussian(rng) * std);
            }
            case XAVIER_UNIFORM -> {
                double a = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < n; i++) dst[off + i] = (float) ((rng.nextDouble() * 2 - 1) * a);
            }
        }
    }

    /** Box-Muller from the given generator (java.util.Random's nextGaussian is not seeded per region). */
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
