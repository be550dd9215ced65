package io.sparkcnn.jobs.train;

import io.sparkcnn.jobs.SharedSpark;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TreeSumTest extends SharedSpark {

    private static float[] vector(int worker, int n) {
        SplittableRandom r = new SplittableRandom(worker);
        float[] v = new float[n];
        // magnitudes spread over many exponents, so the order of additions shows in the bits
        for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(8) - 4));
        return v;
    }

    private JavaRDD<WorkerOutput> outputs(int workers, int n) {
        List<Integer> ids = new ArrayList<>();
        for (int w = 0; w < workers; w++) ids.add(w);
        return sc.parallelize(ids, workers).map(w -> new WorkerOutput(w, vector(w, n),
                List.of(new WorkerStats(w, "x", 1, w, 1, 0, 0, 0, null, "cpu", "CPU"))));
    }

    @Test
    void levelsFollowTreeAggregatesRule() {
        assertEquals(0, TreeSum.levels(4, 2));
        assertEquals(1, TreeSum.levels(8, 2));
        assertEquals(1, TreeSum.levels(16, 2));
        assertEquals(2, TreeSum.levels(256, 3));
        assertEquals(0, TreeSum.levels(256, 1));
    }

    @Test
    void sumIsTheFixedOrderTreeSumAndKeepsEveryWorkersStats() {
        int workers = 9, n = 1000;
        WorkerOutput sum = TreeSum.sum(outputs(workers, n), 2); // fan-in 3: ((0+1+2) + (3+4+5) + (6+7+8))
        float[] expected = new float[n];
        for (int g = 0; g < 3; g++) {
            float[] part = vector(3 * g, n).clone();
            for (int w = 3 * g + 1; w < 3 * g + 3; w++) {
                float[] v = vector(w, n);
                for (int i = 0; i < n; i++) part[i] += v[i];
            }
            for (int i = 0; i < n; i++) expected[i] = g == 0 ? part[i] : expected[i] + part[i];
        }
        assertArrayEquals(expected, sum.vector());
        assertEquals(workers, sum.stats().size());
        for (int w = 0; w < workers; w++) assertEquals(w, sum.stats().get(w).worker());
    }

    @Test
    void repeatedSumsAreBitIdentical() {
        float[] first = TreeSum.sum(outputs(7, 5000), 2).vector();
        for (int i = 0; i < 3; i++) assertArrayEquals(first, TreeSum.sum(outputs(7, 5000), 2).vector());
    }
}
