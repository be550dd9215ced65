package io.sparkcnn.model.bench;

import java.util.Arrays;

/** Runs a body a number of times after a warm-up and reports its wall times; medians of them. */
final class Timer {
    private Timer() {}

    /** Seconds of each of reps timed calls of body, after the warm-up's untimed ones. */
    static double[] seconds(Warmup warmup, int reps, Runnable body) {
        warmup.run(body);
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            body.run();
            t[i] = (System.nanoTime() - start) * 1e-9;
        }
        return t;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
