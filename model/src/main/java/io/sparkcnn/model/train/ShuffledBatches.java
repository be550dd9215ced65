package io.sparkcnn.model.train;

import io.sparkcnn.model.backend.DropoutHash;

import java.util.SplittableRandom;

/**
 * Minibatches of an in-memory dataset in a fresh seeded order every epoch: the order of
 * epoch e is a function of (seed, e) alone, so a run resumed at any epoch sees the batches
 * an uninterrupted one would. Each epoch has count / batch full batches (the remainder is
 * left out of that epoch; a new order brings it back in the next). Optionally each example
 * is mirrored left-right with probability 1/2, a coin that is also a function of (seed,
 * epoch, example). Gathering into the batch arrays allocates nothing.
 */
public final class ShuffledBatches {
    private final float[] inputs, targets;
    private final int count, inputSize, targetSize, batch;
    private final long seed;
    private final int[] order;
    private final float[] batchInputs, batchTargets;
    /** Row length of the images to mirror; 0: no mirroring. */
    private int flipWidth;
    private long epochSeed;

    /**
     * @param inputs count * inputSize floats, one example after another
     * @param targets count * targetSize floats
     */
    public ShuffledBatches(float[] inputs, float[] targets, int count, int inputSize, int targetSize, int batch, long seed) {
        if (batch <= 0 || count < batch) {
            throw new IllegalArgumentException(count + " examples do not fill one batch of " + batch);
        }
        if ((long) count * inputSize > inputs.length || (long) count * targetSize > targets.length) {
            throw new IllegalArgumentException(count + " examples need " + (long) count * inputSize + " input and "
                    + (long) count * targetSize + " target floats, got " + inputs.length + " and " + targets.length);
        }
        this.inputs = inputs;
        this.targets = targets;
        this.count = count;
        this.inputSize = inputSize;
        this.targetSize = targetSize;
        this.batch = batch;
        this.seed = seed;
        this.order = new int[count];
        this.batchInputs = new float[batch * inputSize];
        this.batchTargets = new float[batch * targetSize];
        startEpoch(0);
    }

    public int batchesPerEpoch() { return count / batch; }

    /**
     * Mirrors each example left-right with probability 1/2 from now on: every row of width
     * floats is reversed (inputs (C,H,W) with W = width).
     */
    public ShuffledBatches withHorizontalFlip(int width) {
        if (width <= 0 || inputSize % width != 0) {
            throw new IllegalArgumentException("rows of " + width + " do not tile examples of " + inputSize + " floats");
        }
        this.flipWidth = width;
        return this;
    }

    /** Shuffles into epoch e's order (Fisher-Yates from a generator seeded by seed and e). */
    public void startEpoch(long epoch) {
        for (int i = 0; i < count; i++) order[i] = i;
        epochSeed = seed * 0x9E3779B97F4A7C15L + epoch;
        SplittableRandom r = new SplittableRandom(epochSeed);
        for (int i = count - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Gathers batch b of the current epoch into {@link #inputs()} and {@link #targets()}. */
    public void fill(int b) {
        if (b < 0 || b >= batchesPerEpoch()) throw new IndexOutOfBoundsException("batch " + b + " of " + batchesPerEpoch());
        for (int k = 0; k < batch; k++) {
            int e = order[b * batch + k];
            if (flipWidth > 0 && DropoutHash.uniform(epochSeed, e) < 0.5f) {
                mirrorRows(e * inputSize, k * inputSize);
            } else {
                System.arraycopy(inputs, e * inputSize, batchInputs, k * inputSize, inputSize);
            }
            System.arraycopy(targets, e * targetSize, batchTargets, k * targetSize, targetSize);
        }
    }

    // one example (C,H,W) -> batch row k with every W-row reversed
    private void mirrorRows(int src, int dst) {
        int w = flipWidth;
        for (int row = 0; row < inputSize; row += w) {
            for (int i = 0; i < w; i++) batchInputs[dst + row + i] = inputs[src + row + w - 1 - i];
        }
    }

    /** The current batch's inputs, batch * inputSize floats. */
    public float[] inputs() { return batchInputs; }

    /** The current batch's targets, batch * targetSize floats. */
    public float[] targets() { return batchTargets; }
}
