package io.sparkcnn.model.backend;

/**
 * The counter-based random number every backend uses for dropout, so that the CPU and a
 * device draw identical masks from (seed, index) with no state: a SplitMix-style 32-bit mix.
 * The device kernels implement the same integer arithmetic.
 */
public final class DropoutHash {
    private DropoutHash() {}

    /** A uniform value in [0, 1) with 24 random bits. */
    public static float uniform(long seed, int index) {
        int h = (int) seed ^ (int) (seed >>> 32) * 0x9E3779B9;
        h ^= index * 0x85EBCA6B;
        h ^= h >>> 16;
        h *= 0x7FEB352D;
        h ^= h >>> 15;
        h *= 0x846CA68B;
        h ^= h >>> 16;
        return (h >>> 8) * 0x1.0p-24f;
    }
}
