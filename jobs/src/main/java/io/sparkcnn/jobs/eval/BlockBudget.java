package io.sparkcnn.jobs.eval;

import io.sparkcnn.jobs.train.TaskResources;

/**
 * How many rows one evaluate or predict task decodes at a time: as many as fit in its share
 * of the executor's heap. A block holds each row's decoded input (4 bytes a value) and its
 * encoded image, counted here as one byte a value (a raw image at the input size; JPEG is
 * smaller), so a 224-pixel RGB row costs ~750 KB and a row count alone (data.shuffleBlockRows)
 * could ask for gigabytes.
 */
public final class BlockBudget {
    /** Bytes a block row is charged per input value: its float and about a byte of encoded image. */
    static final int BYTES_PER_VALUE = Float.BYTES + 1;

    private BlockBudget() {}

    /** Bytes one task may fill: heapFraction of this JVM's max heap, shared by the executor's task slots. */
    public static long taskBytes(double heapFraction) {
        return (long) (Runtime.getRuntime().maxMemory() * heapFraction / TaskResources.slots());
    }

    /**
     * Rows per block within budgetBytes: at least 1, and a whole number of batches when at
     * least one batch fits (no padded forward pass in the middle of a partition).
     */
    public static int rows(long budgetBytes, int inputSize, int batch) {
        long perRow = (long) BYTES_PER_VALUE * inputSize;
        long n = Math.max(1, budgetBytes / perRow);
        if (n >= batch) n = n / batch * batch;
        long arrayLimit = (Integer.MAX_VALUE - 16) / inputSize; // one float[] holds the block's inputs
        return (int) Math.max(1, Math.min(n, arrayLimit));
    }
}
