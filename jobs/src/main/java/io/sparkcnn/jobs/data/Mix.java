package io.sparkcnn.jobs.data;

/** SplitMix64 finaliser over two longs: derives independent seeds from (seed, index) pairs. */
public final class Mix {
    private Mix() {}

    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
