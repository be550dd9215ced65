package io.sparkcnn.jobs.train;

import io.sparkcnn.jobs.data.Mix;

/**
 * Test data made from a hash: example g of an epoch has pseudo-random inputs in [-1, 1) and a
 * label that is a linear function of them (learnable). Worker w of W at step s, item i is
 * example s*W*b + w*b + i: one worker at batch W*b sees exactly the union of what W workers
 * at batch b see, in the same order, which is what the gradients-mode test needs.
 * Optionally one step's inputs are NaN.
 */
public final class SyntheticSource implements TrainingSource {
    private final long rows;
    private final int inputSize;
    private final int classes;
    private final long nanAtStep;

    public SyntheticSource(long rows, int inputSize, int classes) { this(rows, inputSize, classes, -1); }

    public SyntheticSource(long rows, int inputSize, int classes, long nanAtStep) {
        this.rows = rows;
        this.inputSize = inputSize;
        this.classes = classes;
        this.nanAtStep = nanAtStep;
    }

    @Override
    public long stepsPerEpoch(int workers, int batch) { return rows / ((long) workers * batch); }

    @Override
    public String id() { return "synthetic:" + rows + ":" + inputSize + ":" + classes + ":" + nanAtStep; }

    @Override
    public BatchFeed open(int worker, int workers, int batch, long seed) {
        return (epoch, step, inputs, targets) -> {
            for (int i = 0; i < batch; i++) {
                long g = step * workers * batch + (long) worker * batch + i;
                long h = Mix.mix(Mix.mix(seed, epoch), g);
                double score = 0;
                for (int j = 0; j < inputSize; j++) {
                    h = Mix.mix(h, j);
                    float v = (h >>> 40) / (float) (1 << 23) - 1f;
                    inputs[i * inputSize + j] = step == nanAtStep ? Float.NaN : v;
                    score += v * (j % classes == 0 ? 1 : -0.5);
                }
                targets[i] = (float) Math.floorMod((long) Math.floor(score * 2), classes);
            }
        };
    }
}
