package io.sparkcnn.tests;

import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.jobs.TinyShards;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training job submitted with spark-submit to a real standalone cluster (master and two
 * workers as separate JVMs, from deploy/local/cluster.sh): it trains with one executor JVM per
 * worker, and when an executor JVM is killed mid-run the job still finishes with the same final
 * parameters as the fault-free run.
 */
class StandaloneClusterTest extends SharedSpark {
    @TempDir
    static Path tmp;
    private LocalStandaloneCluster cluster;
    private String shards;
    private Path network;

    @BeforeAll
    void startCluster() throws Exception {
        shards = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 640, 64);
        network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, TinyShards.networkConfig());
        cluster = LocalStandaloneCluster.start(tmp);
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) cluster.close();
    }

    private List<String> trainArgs(String run) {
        List<String> a = new ArrayList<>(List.of("train"));
        for (String s : List.of("run.dir=" + tmp.resolve(run).toUri(), "data.path=" + shards, "model.file=" + network,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=2", "train.epochs=2", "train.checkpointEvery=10", "trainer.learningRate=0.05",
                "trainer.momentum=0.9", "backend.kind=cpu", "backend.threads=1", "data.shuffleBlockRows=64",
                "train.evaluateAtEnd=false")) {
            a.add("--set");
            a.add(s);
        }
        return a;
    }

    private float[] finalParams(String run) {
        return new CheckpointStore(tmp.resolve(run).toUri().toString(), sc.hadoopConfiguration())
                .newest().orElseThrow().checkpoint().params();
    }

    private static void awaitSuccess(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(6, TimeUnit.MINUTES), "spark-submit did not finish: " + Files.readString(log));
        assertEquals(0, p.exitValue(), () -> "spark-submit failed:\n" + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void anExecutorKilledMidRunChangesNothingInTheResult() throws Exception {
        Path cleanLog = tmp.resolve("clean.log");
        awaitSuccess(cluster.submit(cleanLog, trainArgs("clean")), cleanLog);
        List<String> rounds = Files.readAllLines(tmp.resolve("clean/metrics/rounds-000000000001.jsonl"));
        // 640 rows / (2 x 8) = 40 minibatches per epoch, k = 2: 20 rounds per epoch
        assertEquals(40, rounds.size());
        assertTrue(rounds.get(0).contains("\"executor\":\"0\"") && rounds.get(0).contains("\"executor\":\"1\"")
                || rounds.get(0).contains("\"executor\":\"1\"") && rounds.get(0).contains("\"executor\":\"0\""),
                "two executor JVMs trained: " + rounds.get(0));

        Path faultyLog = tmp.resolve("faulty.log");
        Process faulty = cluster.submit(faultyLog, trainArgs("faulty"));
        Path metrics = tmp.resolve("faulty/metrics/rounds-000000000001.jsonl");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while ((!Files.exists(metrics) || Files.readAllLines(metrics).size() < 5) && faulty.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<Long> executors = cluster.executorPids();
        assertEquals(2, executors.size(), "executor JVMs found: " + executors);
        int roundsBefore = Files.readAllLines(metrics).size();
        assertTrue(roundsBefore < 40, "the run ended before the kill");
        new ProcessBuilder("kill", "-9", Long.toString(executors.get(0))).start().waitFor();
        awaitSuccess(faulty, faultyLog);
        assertTrue(Files.readString(faultyLog).contains("lost") || Files.readString(faultyLog).contains("Lost"),
                "the driver saw the executor go: " + tail(faultyLog));
        assertArrayEquals(finalParams("clean"), finalParams("faulty"));
    }
}
