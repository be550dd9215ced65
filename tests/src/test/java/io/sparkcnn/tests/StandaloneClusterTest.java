package io.sparkcnn.tests;

import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.jobs.TinySegShards;
import io.sparkcnn.jobs.TinyShards;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
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
 * worker, and when an executor JVM is killed while it runs a round's task, the task is re-run
 * (its second attempt is recorded in the round's metrics) and the job finishes with the same
 * final parameters as the fault-free run. A segmentation run with summed gradients, stopped and
 * resumed by a second spark-submit, ends with the parameters of an uninterrupted run on the cluster.
 */
class StandaloneClusterTest extends SharedSpark {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    private LocalStandaloneCluster cluster;
    private String shards, segShards;
    private Path network, segNetwork;

    @BeforeAll
    void startCluster() throws Exception {
        shards = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 640, 64);
        network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, NETWORK);
        segShards = TinySegShards.write(spark, tmp.resolve("seg-shards").toUri().toString(), 96, 24);
        segNetwork = tmp.resolve("tinyseg.conf");
        Files.writeString(segNetwork, TinySegShards.networkConfig());
        cluster = LocalStandaloneCluster.start(tmp);
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) cluster.close();
    }

    /**
     * A CNN wide enough that a task (k minibatches) takes a good part of a second, so that a kill
     * aimed at a running task lands inside it rather than between rounds.
     */
    private static final String NETWORK = """
            network {
              name = widecnn
              input = [1, 12, 12]
              layers = [
                { type = conv2d, name = conv1, filters = 32, kernel = 3, padding = 1 }
                { type = relu }
                { type = conv2d, name = conv2, filters = 64, kernel = 3, padding = 1 }
                { type = relu }
                { type = maxpool2d, kernel = 2 }
                { type = flatten }
                { type = dense, units = 4 }
              ]
              loss { type = softmax_cross_entropy }
            }
            """;

    private List<String> trainArgs(String run) {
        List<String> a = new ArrayList<>(List.of("train"));
        for (String s : List.of("run.dir=" + tmp.resolve(run).toUri(), "data.path=" + shards, "model.file=" + network,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=16",
                "train.averagingFrequency=5", "train.epochs=2", "train.checkpointEvery=10", "trainer.learningRate=0.05",
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

    /** Task attempts recorded per worker in a metrics file, one list per round. */
    private static List<List<Integer>> attempts(Path metrics) throws IOException {
        List<List<Integer>> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            List<Integer> round = new ArrayList<>();
            for (JsonNode w : JSON.readTree(line).get("perWorker")) round.add(w.get("attempt").asInt());
            out.add(round);
        }
        return out;
    }

    /**
     * The id of an executor that is running a task now and has finished at least two before
     * (so the run is past its first round), from the driver's REST API; or null.
     */
    private static String busyExecutor(int uiPort) {
        try {
            String base = "http://127.0.0.1:" + uiPort + "/api/v1/applications";
            JsonNode apps = JSON.readTree(URI.create(base).toURL());
            if (!apps.isArray() || apps.isEmpty()) return null;
            String app = apps.get(0).get("id").asText();
            JsonNode executors = JSON.readTree(URI.create(base + "/" + app + "/executors").toURL());
            for (JsonNode e : executors) {
                if (!e.get("id").asText().equals("driver") && e.get("activeTasks").asInt() > 0
                        && e.get("completedTasks").asInt() >= 2) {
                    return e.get("id").asText();
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // the UI is not up yet, or the application is between states
        }
    }

    @Test
    void anExecutorKilledInsideARoundLosesATaskThatIsRerunAndChangesNothingInTheResult() throws Exception {
        Path cleanLog = tmp.resolve("clean.log");
        awaitSuccess(cluster.submit(cleanLog, trainArgs("clean")), cleanLog);
        Path cleanMetrics = tmp.resolve("clean/metrics/rounds-000000000001.jsonl");
        List<String> rounds = Files.readAllLines(cleanMetrics);
        // 640 rows / (2 x 16) = 20 minibatches per epoch, k = 5: 4 rounds per epoch
        assertEquals(8, rounds.size());
        assertTrue(rounds.get(0).contains("\"executor\":\"0\"") && rounds.get(0).contains("\"executor\":\"1\""),
                "two executor JVMs trained: " + rounds.get(0));
        for (List<Integer> a : attempts(cleanMetrics)) assertEquals(List.of(0, 0), a, "a fault-free run retries nothing");

        int uiPort = LocalStandaloneCluster.freeUiPort();
        Path faultyLog = tmp.resolve("faulty.log");
        Process faulty = cluster.submit(faultyLog, trainArgs("faulty"), uiPort);
        Path metrics = tmp.resolve("faulty/metrics/rounds-000000000001.jsonl");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        String victim = null;
        // kill the JVM of an executor while the driver reports a round's task running on it
        while (victim == null && faulty.isAlive() && System.nanoTime() < deadline) {
            String busy = busyExecutor(uiPort);
            long pid = busy == null ? -1 : cluster.executorPid(busy);
            if (pid > 0) {
                new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
                victim = busy;
            } else {
                Thread.sleep(20);
            }
        }
        assertTrue(victim != null, "no executor was caught running a task; the run "
                + (faulty.isAlive() ? "is still running" : "ended") + ":\n" + tail(faultyLog));
        awaitSuccess(faulty, faultyLog);

        // the killed executor's task was lost and ran again: its second attempt is in that round's metrics
        List<List<Integer>> attempts = attempts(metrics);
        assertEquals(8, attempts.size());
        assertTrue(attempts.stream().flatMap(List::stream).anyMatch(a -> a > 0),
                "no second task attempt recorded after executor " + victim + " was killed: " + attempts);
        assertArrayEquals(finalParams("clean"), finalParams("faulty"));
    }

    private List<String> segmentationSettings(String run) {
        return List.of("run.dir=" + tmp.resolve(run).toUri(), "data.path=" + segShards, "model.file=" + segNetwork,
                "model.input=[3, 16, 16]", "model.classes=3", "train.workers=2", "train.batchSizePerWorker=8",
                "train.aggregation=gradients", "train.epochs=3", "train.checkpointEvery=4", "trainer.learningRate=0.1",
                "trainer.momentum=0.9", "backend.kind=cpu", "backend.threads=1", "data.shuffleBlockRows=16",
                "augment.horizontalFlip=true", "augment.segmentationScaleMin=0.8", "augment.segmentationScaleMax=1.25",
                "train.evaluateAtEnd=false", "train.progress=off");
    }

    private static List<String> submitArgs(List<String> settings, String... more) {
        List<String> a = new ArrayList<>(List.of(more));
        for (String s : settings) {
            a.add("--set");
            a.add(s);
        }
        return a;
    }

    @Test
    void segmentationStoppedAndResumedOnTheClusterEndsWithTheParametersOfAnUninterruptedRun() throws Exception {
        Path wholeLog = tmp.resolve("seg-whole.log");
        awaitSuccess(cluster.submit(wholeLog, submitArgs(segmentationSettings("seg-whole"), "train")), wholeLog);
        // 96 rows / (2 x 8) = 6 steps per epoch, 18 in all; the first submit stops after 7
        Path firstLog = tmp.resolve("seg-first.log");
        List<String> stop = new ArrayList<>(segmentationSettings("seg-parts"));
        stop.add("train.maxRounds=7");
        awaitSuccess(cluster.submit(firstLog, submitArgs(stop, "train")), firstLog);
        Path restLog = tmp.resolve("seg-rest.log");
        awaitSuccess(cluster.submit(restLog, submitArgs(segmentationSettings("seg-parts"), "train", "--resume")), restLog);

        List<String> first = Files.readAllLines(tmp.resolve("seg-parts/metrics/rounds-000000000001.jsonl"));
        assertEquals(7, first.size());
        assertTrue(first.get(0).contains("\"executor\":\"0\"") && first.get(0).contains("\"executor\":\"1\""),
                "two executor JVMs trained: " + first.get(0));
        assertEquals(11, Files.readAllLines(tmp.resolve("seg-parts/metrics/rounds-000000000008.jsonl")).size(),
                "the resumed submit ran rounds 8 to 18");
        assertArrayEquals(finalParams("seg-whole"), finalParams("seg-parts"));
    }
}
