package io.sparkcnn.tests.bench;

import io.sparkcnn.jobs.train.TreeSum;
import io.sparkcnn.jobs.train.WorkerOutput;
import io.sparkcnn.jobs.train.WorkerStats;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The communication part of a parameter-averaging round for a ResNet-50-sized vector
 * (25.6 M floats, 102 MB), measured the way the driver runs it: broadcast, W tasks that read the
 * broadcast and return a vector of the same size, the fixed-order tree sum, and the division.
 * No training: compute is measured by the real runs. Prints medians over the repetitions, for
 * docs/scaling.md. Run: java -cp <test classpath> io.sparkcnn.tests.bench.RoundCostBenchmark [floats] [reps] [workers...]
 */
public final class RoundCostBenchmark {
    private RoundCostBenchmark() {}

    public static void main(String[] args) {
        int floats = args.length > 0 ? Integer.parseInt(args[0]) : 25_557_032;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Integer> workerCounts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) workerCounts.add(Integer.parseInt(args[i]));
        if (workerCounts.isEmpty()) workerCounts = List.of(1, 2, 4);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("round-cost")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        float[] params = new float[floats];
        for (int i = 0; i < floats; i++) params[i] = (i % 1000) * 1e-3f;
        System.out.printf("vector: %d floats (%.1f MB)%n", floats, floats * 4 / 1e6);
        System.out.println("workers,put_ms,fetch_ms,aggregate_ms,average_ms,round_ms");
        for (int w : workerCounts) {
            double[][] samples = new double[reps][];
            for (int r = 0; r < reps; r++) samples[r] = once(sc, params, w);
            double[] med = new double[5];
            for (int c = 0; c < 5; c++) {
                double[] col = new double[reps];
                for (int r = 0; r < reps; r++) col[r] = samples[r][c];
                Arrays.sort(col);
                med[c] = col[reps / 2];
            }
            System.out.printf("%d,%.0f,%.0f,%.0f,%.0f,%.0f%n", w, med[0], med[1], med[2], med[3], med[4]);
        }
        spark.stop();
    }

    // one round without training: put, fetch (max over tasks), sum, average
    private static double[] once(JavaSparkContext sc, float[] params, int workers) {
        long t0 = System.nanoTime();
        Broadcast<float[]> bc = sc.broadcast(params);
        long put = System.nanoTime() - t0;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < workers; i++) ids.add(i);
        JavaRDD<WorkerOutput> outs = sc.parallelize(ids, workers).mapPartitionsWithIndex((index, it) -> {
            long f0 = System.nanoTime();
            float[] p = bc.value();
            long fetch = System.nanoTime() - f0;
            float[] v = p.clone(); // what a worker sends back: a vector of the same length
            v[0] += index;
            return List.of(new WorkerOutput(index, v, List.of(new WorkerStats(index, "", 0, 0, 0, fetch, 0, 0, null, "cpu", "CPU")))).iterator();
        }, true);
        WorkerOutput sum = TreeSum.sum(outs, 2);
        long job = System.nanoTime() - t0;
        long a0 = System.nanoTime();
        float[] avg = new float[params.length];
        for (int i = 0; i < avg.length; i++) avg[i] = sum.vector()[i] / workers;
        long average = System.nanoTime() - a0;
        bc.destroy();
        long fetch = 0;
        for (WorkerStats s : sum.stats()) fetch = Math.max(fetch, s.broadcastFetchNanos());
        return new double[] {put / 1e6, fetch / 1e6, (job - put - fetch) / 1e6, average / 1e6, (job + average) / 1e6};
    }
}
