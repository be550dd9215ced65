package io.sparkcnn.model.bench;

/**
 * Untimed calls before a timing: at least {@code calls} of them and, when {@code seconds} is
 * positive, as many more as fill that time. A count alone left LeNet's step (12 ms) timed while
 * the JIT was still compiling it: 2 warm-up steps gave 3,700-4,300 img/s, 300 gave 6,000-7,200.
 */
record Warmup(int calls, double seconds) {
    /** Before the first round: warmupCalls and a second of steady running. */
    static final double FIRST_ROUND_SECONDS = 1.0;

    /** The full warm-up before the first round; one call before later ones (the other side's run evicted the caches). */
    static Warmup forRound(int warmupCalls, int round) {
        return round == 0 ? new Warmup(warmupCalls, FIRST_ROUND_SECONDS) : new Warmup(Math.min(warmupCalls, 1), 0);
    }

    static Warmup calls(int calls) { return new Warmup(calls, 0); }

    void run(Runnable body) {
        long start = System.nanoTime();
        for (int i = 0; i < calls || (System.nanoTime() - start) * 1e-9 < seconds; i++) body.run();
    }
}
