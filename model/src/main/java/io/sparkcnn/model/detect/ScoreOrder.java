package io.sparkcnn.model.detect;

import java.util.Arrays;

/**
 * Orders positions by score, highest first, ties by position (a stable descending sort, as numpy's
 * {@code argsort(-s, kind='mergesort')} that cocoeval uses). Scores and positions are packed into one
 * long each so a primitive sort does it without boxing; -0 sorts as 0, NaN is refused.
 */
public final class ScoreOrder {
    private ScoreOrder() {}

    /**
     * The sort key of (score, position): keys ascending = score descending, then position ascending.
     * position must be in [0, 2^31).
     */
    public static long key(float score, int position) {
        if (Float.isNaN(score)) {
            throw new IllegalArgumentException("score at position " + position + " is NaN");
        }
        int bits = Float.floatToIntBits(score + 0.0f); // -0 -> +0: they tie, as in numpy
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // int order = float order
        return ((long) ~ascending << 32) | (position & 0xffffffffL);
    }

    /** The score packed in a {@link #key} (-0 comes back as 0). */
    public static float scoreOf(long key) {
        int ascending = ~(int) (key >> 32);
        return Float.intBitsToFloat(ascending ^ ((ascending >> 31) & 0x7fffffff));
    }

    /** The position packed in a {@link #key}. */
    public static int position(long key) {
        return (int) key;
    }

    /**
     * Writes into order[0..n) the positions 0..n-1 of scores[offset..offset+n) sorted by score descending,
     * ties by position; keys[0..n) is scratch (both at least n long).
     */
    public static void sort(float[] scores, int offset, int n, int[] order, long[] keys) {
        for (int i = 0; i < n; i++) keys[i] = key(scores[offset + i], i);
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) order[i] = position(keys[i]);
    }
}
