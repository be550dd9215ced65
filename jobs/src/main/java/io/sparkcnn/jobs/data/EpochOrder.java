package io.sparkcnn.jobs.data;

import java.util.SplittableRandom;

/**
 * The order a chunk's rows are visited in one epoch, with one block of rows in memory at a
 * time: the chunk is cut into blocks of B rows, the blocks are visited in a seeded random
 * order and the rows inside each block in a seeded random order. Position p of the epoch maps
 * to a row without reading anything before it, which is what lets a worker resume its cursor
 * anywhere (a round's cost does not grow with the round index).
 */
public final class EpochOrder {
    private final long chunkStart;
    private final long chunkRows;
    private final int blockRows;
    private final long seed;
    private final int[] blockOrder;
    private final long[] positionOfBlock; // epoch position where the i-th visited block starts

    public EpochOrder(long chunkStart, long chunkRows, int blockRows, long seed, boolean shuffle) {
        this.chunkStart = chunkStart;
        this.chunkRows = chunkRows;
        this.blockRows = blockRows;
        this.seed = seed;
        int blocks = Math.toIntExact((chunkRows + blockRows - 1) / blockRows);
        blockOrder = identity(blocks);
        if (shuffle) shuffle(blockOrder, new SplittableRandom(seed));
        positionOfBlock = new long[blocks + 1];
        for (int i = 0; i < blocks; i++) positionOfBlock[i + 1] = positionOfBlock[i] + blockSize(blockOrder[i]);
    }

    /** The seed of one chunk's order in one epoch. */
    public static long seedFor(long runSeed, long epoch, int chunk) {
        return Mix.mix(Mix.mix(runSeed, 0x5eedL + epoch), chunk);
    }

    public int blocks() { return blockOrder.length; }

    /** The i-th block visited (its index inside the chunk). */
    public int blockAt(int visit) { return blockOrder[visit]; }

    /** Which visit holds epoch position p. */
    public int visitOf(long position) {
        if (position < 0 || position >= chunkRows) throw new IndexOutOfBoundsException("position " + position + " of " + chunkRows);
        int lo = 0, hi = blockOrder.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (positionOfBlock[mid] <= position) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    public long visitStart(int visit) { return positionOfBlock[visit]; }

    /** First split row of a block and its length. */
    public long blockFirstRow(int block) { return chunkStart + (long) block * blockRows; }

    public int blockSize(int block) {
        return (int) Math.min(blockRows, chunkRows - (long) block * blockRows);
    }

    /** The order of the rows inside a block: offsets 0..size-1, seeded per block. */
    public int[] rowOrder(int block, boolean shuffle) {
        int[] order = identity(blockSize(block));
        if (shuffle) shuffle(order, new SplittableRandom(Mix.mix(seed, block)));
        return order;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static void shuffle(int[] a, SplittableRandom r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
