package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Activation;
import io.sparkcnn.model.backend.ActivationOp;
import io.sparkcnn.model.backend.Arena;

/**
 * Pointwise activations over {@code count} floats of ACTS, split over the thread team.
 * ReLU's derivative at 0 is 0 (PyTorch's choice); sigmoid and tanh differentiate through y.
 */
final class CpuActivationOp implements ActivationOp {
    /** Elements per thread below which a hand-off costs more than it saves. */
    private static final int GRAIN = 1 << 15;

    private final CpuContext ctx;
    private final Activation kind;
    private final float alpha;
    private final int count;

    private int x, y, dy, dx;
    private final RangeTask forwardTask = this::forwardRange;
    private final RangeTask backwardTask = this::backwardRange;

    CpuActivationOp(CpuContext ctx, Activation kind, float alpha, int count) {
        if (count < 0) throw new IllegalArgumentException("activation count must be >= 0, got " + count);
        this.ctx = ctx;
        this.kind = kind;
        this.alpha = alpha;
        this.count = count;
    }

    @Override
    public void forward(int x, int y) {
        this.x = x;
        this.y = y;
        ctx.parallelFor(count, GRAIN, forwardTask);
    }

    @Override
    public void backward(int x, int y, int dy, int dx) {
        this.x = x;
        this.y = y;
        this.dy = dy;
        this.dx = dx;
        ctx.parallelFor(count, GRAIN, backwardTask);
    }

    // x (count) -> y (count)
    private void forwardRange(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        int xo = x, yo = y;
        switch (kind) {
            case RELU -> {
                // Math.max is a branch-free intrinsic; a data-dependent branch mispredicts on half the values
                for (int i = from; i < to; i++) a[yo + i] = Math.max(a[xo + i], 0f);
            }
            case LEAKY_RELU -> {
                float s = alpha;
                for (int i = from; i < to; i++) {
                    float v = a[xo + i];
                    a[yo + i] = select(positiveMask(v), v, s * v);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) a[yo + i] = sigmoid(a[xo + i]);
            }
            case TANH -> {
                for (int i = from; i < to; i++) a[yo + i] = (float) Math.tanh(a[xo + i]);
            }
        }
    }

    // dy (count), x or y (count) -> dx (count) +=
    private void backwardRange(int from, int to) {
        float[] a = ctx.array(Arena.ACTS);
        int xo = x, yo = y, dyo = dy, dxo = dx;
        switch (kind) {
            case RELU -> {
                for (int i = from; i < to; i++) a[dxo + i] += select(positiveMask(a[xo + i]), a[dyo + i], 0f);
            }
            case LEAKY_RELU -> {
                float s = alpha;
                for (int i = from; i < to; i++) {
                    float g = a[dyo + i];
                    a[dxo + i] += select(positiveMask(a[xo + i]), g, s * g);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    float v = a[yo + i];
                    a[dxo + i] += a[dyo + i] * v * (1f - v);
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    float v = a[yo + i];
                    a[dxo + i] += a[dyo + i] * (1f - v * v);
                }
            }
        }
    }

    /**
     * All ones when v &gt; 0 (NaN with a clear sign bit counts as positive), else 0: the sign of
     * -bits is set for positive bits, and ~bits clears it for negative values and -0.0.
     */
    static int positiveMask(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (-bits & ~bits) >> 31;
    }

    /** mask ? a : b without a branch. */
    static float select(int mask, float a, float b) {
        return Float.intBitsToFloat((Float.floatToRawIntBits(a) & mask) | (Float.floatToRawIntBits(b) & ~mask));
    }

    /** Stable for large |v|: exp never overflows. */
    static float sigmoid(float v) {
        if (v >= 0f) return (float) (1.0 / (1.0 + Math.exp(-v)));
        double e = Math.exp(v);
        return (float) (e / (1.0 + e));
    }
}
