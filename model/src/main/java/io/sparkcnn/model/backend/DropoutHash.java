package io.sparkcnn.model.backend;

/**
 * The counter-based random number every backend uses for dropout, so that the CPU and a
 * device draw identical masks from (seed, index) with no state: a SplitMix-style 32-bit mix.
 * The device kernels implement the same integer arithmetic.
 */
public final class DropoutHash {
    private DropoutHash() {}

    /**
     * The dropout seed of worker w of a data-parallel run. Every replica runs the same global
     * steps, so a seed made of the run seed and the step alone would give every worker the
     * same mask; this gives each worker its own stream, still a pure function of the run seed
     * (a SplitMix64 finaliser over (seed, worker)). The network then mixes in the step and the
     * layer ({@code Network.forward}), and the backends hash (that seed, element index).
     */
    public static long workerSeed(long runSeed, int worker) {
        long z = runSeed * 0x9E3779B97F4A7C15L + worker + 0x5851F42D4C957F2DL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

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
