package io.sparkcnn.tests;

import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.jobs.TrainJob;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.TinyDetShards;
import io.sparkcnn.jobs.TinySegShards;
import io.sparkcnn.jobs.TinyShards;
import io.sparkcnn.jobs.TinyVideoShards;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training job submitted with spark-submit to a real standalone cluster (master and two
 * workers as separate JVMs, from deploy/local/cluster.sh): it trains with one executor JVM per
 * worker, and when an executor JVM is killed while it runs a round's task, the task is re-run
 * (its second attempt is recorded in the round's metrics) and the job finishes with the same
 * final parameters as the fault-free run. A segmentation run with summed gradients, and a detection
 * run and a video run with averaged parameters, submitted at the same time (each application one
 * executor on each worker), are stopped and resumed by later submits and end with the parameters,
 * and the detection and video runs with the evaluation, of their uninterrupted runs. The fault-free
 * and uninterrupted references train in this JVM (local mode, two worker threads) while the cluster
 * runs: where a worker runs must not change a bit of the result, and it saves three applications.
 */
class StandaloneClusterTest extends SharedSpark {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    private LocalStandaloneCluster cluster;
    private String shards, segShards, detShards, videoShards;
    private Path network, segNetwork, detNetwork, videoNetwork;

    @BeforeAll
    void startCluster() throws Exception {
        shards = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 640, 64);
        network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, NETWORK);
        segShards = TinySegShards.write(spark, tmp.resolve("seg-shards").toUri().toString(), 96, 24);
        segNetwork = tmp.resolve("tinyseg.conf");
        Files.writeString(segNetwork, TinySegShards.networkConfig());
        detShards = TinyDetShards.write(spark, tmp.resolve("det-shards").toUri().toString(), 64, 20);
        detNetwork = tmp.resolve("tinydet.conf");
        Files.writeString(detNetwork, TinyDetShards.networkConfig());
        videoShards = TinyVideoShards.write(spark, tmp.resolve("video-shards").toUri().toString(), 48, 12);
        videoNetwork = tmp.resolve("tiny3d.conf");
        Files.writeString(videoNetwork, TinyVideoShards.networkConfig());
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

    private List<String> trainSettings(String run) {
        return List.of("run.dir=" + tmp.resolve(run).toUri(), "data.path=" + shards, "model.file=" + network,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=16",
                "train.averagingFrequency=5", "train.epochs=2", "train.checkpointEvery=10", "trainer.learningRate=0.05",
                "trainer.momentum=0.9", "backend.kind=cpu", "backend.threads=1", "data.shuffleBlockRows=64",
                "train.evaluateAtEnd=false");
    }

    /** The same job in this JVM's local-mode session (2 worker threads): the reference for a cluster run. */
    private void trainHere(List<String> settings) throws Exception {
        List<String> local = new ArrayList<>(settings);
        local.add("train.progress=off");
        TrainJob.run(spark, JobPlan.prepare(JobConfig.load(null, local), sc.hadoopConfiguration()), false);
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

    /** An application's executor, as the driver's REST API names it. */
    private record AppExecutor(String app, String id) {}

    /**
     * An executor that is running a task now and has finished at least two before (so the run is
     * past its first round), from the driver's REST API; or null.
     */
    private static AppExecutor busyExecutor(int uiPort) {
        try {
            String base = "http://127.0.0.1:" + uiPort + "/api/v1/applications";
            JsonNode apps = JSON.readTree(URI.create(base).toURL());
            if (!apps.isArray() || apps.isEmpty()) return null;
            String app = apps.get(0).get("id").asText();
            JsonNode executors = JSON.readTree(URI.create(base + "/" + app + "/executors").toURL());
            for (JsonNode e : executors) {
                if (!e.get("id").asText().equals("driver") && e.get("activeTasks").asInt() > 0
                        && e.get("completedTasks").asInt() >= 2) {
                    return new AppExecutor(app, e.get("id").asText());
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // the UI is not up yet, or the application is between states
        }
    }

    /** Executors inherit their worker's environment; without libjsig pocl's LLVM can crash them (deploy/signal-chaining.sh). */
    @Test
    void theClusterDaemonsRunWithTheJdksSignalChaining() throws Exception {
        for (long pid : cluster.daemonPids()) {
            assertTrue(Files.readString(Path.of("/proc", Long.toString(pid), "maps")).contains("/libjsig.so"),
                    "deploy/local/cluster.sh started process " + pid + " without libjsig.so preloaded");
        }
    }

    @Test
    void anExecutorKilledInsideARoundLosesATaskThatIsRerunAndChangesNothingInTheResult() throws Exception {
        int uiPort = LocalStandaloneCluster.freeUiPort();
        Path faultyLog = tmp.resolve("faulty.log");
        Process faulty = cluster.submit(faultyLog, submitArgs(trainSettings("faulty"), "train"), uiPort);
        Path metrics = tmp.resolve("faulty/metrics/rounds-000000000001.jsonl");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        AppExecutor victim = null;
        // kill the JVM of an executor while the driver reports a round's task running on it
        while (victim == null && faulty.isAlive() && System.nanoTime() < deadline) {
            AppExecutor busy = busyExecutor(uiPort);
            long pid = busy == null ? -1 : cluster.executorPid(busy.app(), busy.id());
            if (pid > 0) {
                new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
                victim = busy;
            } else {
                Thread.sleep(20);
            }
        }
        assertTrue(victim != null, "no executor was caught running a task; the run "
                + (faulty.isAlive() ? "is still running" : "ended") + ":\n" + tail(faultyLog));
        // the fault-free reference trains in this JVM (local mode) while the cluster finishes: the
        // engine's arithmetic does not depend on where a worker runs, so the results are bit-identical
        trainHere(trainSettings("clean"));
        awaitSuccess(faulty, faultyLog);
        List<String> rounds = Files.readAllLines(metrics);
        // 640 rows / (2 x 16) = 20 minibatches per epoch, k = 5: 4 rounds per epoch
        assertEquals(8, rounds.size());
        assertTrue(rounds.get(0).contains("\"executor\":\"0\"") && rounds.get(0).contains("\"executor\":\"1\""),
                "two executor JVMs trained: " + rounds.get(0));

        // the killed executor's task was lost and ran again: its second attempt is in that round's metrics
        List<List<Integer>> attempts = attempts(metrics);
        assertEquals(8, attempts.size());
        assertTrue(attempts.stream().flatMap(List::stream).anyMatch(a -> a > 0),
                "no second task attempt recorded after executor " + victim.id() + " was killed: " + attempts);
        assertArrayEquals(finalParams("clean"), finalParams("faulty"));
    }

    private List<String> segmentationSettings(String run, String name) {
        return List.of("run.dir=" + tmp.resolve(run).toUri(), "run.name=" + name, "data.path=" + segShards,
                "model.file=" + segNetwork, "model.input=[3, 16, 16]", "model.classes=3", "train.workers=2",
                "train.batchSizePerWorker=8", "train.aggregation=gradients", "train.epochs=2", "train.checkpointEvery=4",
                "trainer.learningRate=0.1", "trainer.momentum=0.9", "backend.kind=cpu", "backend.threads=1",
                "data.shuffleBlockRows=16", "augment.horizontalFlip=true", "augment.segmentationScaleMin=0.8",
                "augment.segmentationScaleMax=1.25", "train.evaluateAtEnd=false", "train.progress=off");
    }

    /** Averaged parameters (the other aggregation), the SSD crop/expand augmentation, COCO evaluation after the last round. */
    private List<String> detectionSettings(String run, String name) {
        return List.of("run.dir=" + tmp.resolve(run).toUri(), "run.name=" + name, "data.path=" + detShards,
                "model.file=" + detNetwork, "model.input=[3, 32, 32]", "model.classes=2", "train.workers=2",
                "train.batchSizePerWorker=8", "train.aggregation=parameters", "train.averagingFrequency=2",
                "train.epochs=5", "train.checkpointEvery=3", "trainer.learningRate=0.05", "trainer.momentum=0.9",
                "backend.kind=cpu", "backend.threads=1", "data.shuffleBlockRows=16", "augment.horizontalFlip=true",
                "augment.detectionExpand=0.5", "augment.detectionMaxExpand=1.5", "augment.detectionMinPatch=0.7",
                "eval.batchSize=8", "train.evaluateAtEnd=true", "train.progress=off");
    }

    /** Video clips: frame stride 2 and random clip starts, averaged parameters with the optimizer state, clip and video accuracy after the last round. */
    private List<String> videoSettings(String run, String name) {
        return List.of("run.dir=" + tmp.resolve(run).toUri(), "run.name=" + name, "data.path=" + videoShards,
                "model.file=" + videoNetwork, "model.input=[3, 3, 12, 12]", "model.classes=" + TinyVideoShards.CLASSES,
                "train.workers=2", "train.batchSizePerWorker=6", "train.aggregation=parameters", "train.averagingFrequency=2",
                "train.averageOptimizerState=true", "train.epochs=3", "train.checkpointEvery=3", "trainer.learningRate=0.2",
                "trainer.momentum=0.9", "backend.kind=cpu", "backend.threads=1", "data.shuffleBlockRows=12",
                "augment.frameStride=2", "augment.horizontalFlip=true", "eval.clipsPerVideo=2", "eval.batchSize=8",
                "train.evaluateAtEnd=true", "train.progress=off");
    }

    private static List<String> submitArgs(List<String> settings, String... more) {
        List<String> a = new ArrayList<>(List.of(more));
        for (String s : settings) {
            a.add("--set");
            a.add(s);
        }
        return a;
    }

    private static List<String> with(List<String> settings, String more) {
        List<String> a = new ArrayList<>(settings);
        a.add(more);
        return a;
    }

    /**
     * Submits these applications (run.name to spark-submit's arguments) at the same time, runs
     * {@code meanwhile} in this JVM, waits for all, and returns each one's application id, from the master.
     */
    private Map<String, String> concurrently(Map<String, List<String>> submits, org.junit.jupiter.api.function.Executable meanwhile)
            throws Throwable {
        Map<String, Process> running = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> s : submits.entrySet()) {
            running.put(s.getKey(), cluster.submit(tmp.resolve(s.getKey() + ".log"), s.getValue()));
        }
        meanwhile.execute();
        for (Map.Entry<String, Process> p : running.entrySet()) awaitSuccess(p.getValue(), tmp.resolve(p.getKey() + ".log"));
        Map<String, String> ids = new LinkedHashMap<>();
        JsonNode master = JSON.readTree(cluster.masterJson());
        for (String group : List.of("activeapps", "completedapps")) {
            for (JsonNode app : master.get(group)) {
                if (running.containsKey(app.get("name").asText())) ids.put(app.get("name").asText(), app.get("id").asText());
            }
        }
        assertEquals(running.keySet(), ids.keySet(), "the master knows every application: " + master);
        return ids;
    }

    /** One executor of the application on each worker JVM. */
    private void assertOneExecutorPerWorker(String name, String appId) throws IOException {
        List<String> first = cluster.executorsOn(1, appId), second = cluster.executorsOn(2, appId);
        assertEquals(1, first.size(), name + " (" + appId + ") executors on worker 1: " + first);
        assertEquals(1, second.size(), name + " (" + appId + ") executors on worker 2: " + second);
    }

    /** Every round of a metrics file was trained by two distinct executors; returns its number of rounds. */
    private static int roundsOnTwoExecutors(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        for (String line : lines) {
            Set<String> executors = new TreeSet<>();
            for (JsonNode w : JSON.readTree(line).get("perWorker")) executors.add(w.get("executor").asText());
            assertEquals(2, executors.size(), "two executor JVMs trained: " + line);
        }
        return lines.size();
    }

    /** The run's newest checkpoint's evaluation of the test split, without the line that names the checkpoint's path. */
    private JsonNode evaluation(String run) throws IOException {
        String dir = new CheckpointStore(tmp.resolve(run).toUri().toString(), sc.hadoopConfiguration())
                .newest().orElseThrow().dir().getName();
        Path file = tmp.resolve(run).resolve("checkpoints").resolve(dir).resolve("evaluation-test.json");
        assertTrue(Files.isRegularFile(file), "no evaluation " + file);
        ObjectNode json = (ObjectNode) JSON.readTree(file.toFile());
        assertTrue(json.get("checkpoint").asText().endsWith(dir), json.toString());
        json.remove("checkpoint");
        return json;
    }

    @Test
    void segmentationDetectionAndVideoStoppedAndResumedAtOnceOnTheClusterEndWithTheResultsOfUninterruptedRuns() throws Throwable {
        // the three first parts on the cluster at once; meanwhile the three uninterrupted runs train
        // in this JVM (local mode), the reference each resumed cluster run must end on bit for bit
        // segmentation: 96 rows / (2 x 8) = 6 steps per epoch, 12 in all; the first submit stops after 7.
        // detection: 64 rows / (2 x 8) = 4 minibatches per epoch, k = 2: 2 rounds per epoch, 10 in all; it stops after 3.
        // video: 48 clips / (2 x 6) = 4 minibatches per epoch, k = 2: 2 rounds per epoch, 6 in all; it stops after 3.
        Map<String, String> apps = new LinkedHashMap<>(concurrently(Map.of(
                "seg-first", submitArgs(with(segmentationSettings("seg-parts", "seg-first"), "train.maxRounds=7"), "train"),
                "det-first", submitArgs(with(detectionSettings("det-parts", "det-first"), "train.maxRounds=3"), "train"),
                "video-first", submitArgs(with(videoSettings("video-parts", "video-first"), "train.maxRounds=3"), "train")),
                () -> {
                    trainHere(segmentationSettings("seg-whole", "seg-whole"));
                    trainHere(detectionSettings("det-whole", "det-whole"));
                    trainHere(videoSettings("video-whole", "video-whole"));
                }));
        apps.putAll(concurrently(Map.of(
                "seg-rest", submitArgs(segmentationSettings("seg-parts", "seg-rest"), "train", "--resume"),
                "det-rest", submitArgs(detectionSettings("det-parts", "det-rest"), "train", "--resume"),
                "video-rest", submitArgs(videoSettings("video-parts", "video-rest"), "train", "--resume")),
                () -> {}));

        assertEquals(6, new TreeSet<>(apps.values()).size(), "six applications: " + apps);
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        for (Map.Entry<String, String> app : apps.entrySet()) {
            checks.add(() -> assertOneExecutorPerWorker(app.getKey(), app.getValue()));
        }
        checks.addAll(List.of(
                                () -> assertEquals(7, roundsOnTwoExecutors(tmp.resolve("seg-parts/metrics/rounds-000000000001.jsonl"))),
                () -> assertEquals(5, roundsOnTwoExecutors(tmp.resolve("seg-parts/metrics/rounds-000000000008.jsonl")),
                        "the resumed segmentation submit ran rounds 8 to 12"),
                () -> assertArrayEquals(finalParams("seg-whole"), finalParams("seg-parts"), "segmentation"),
                                () -> assertEquals(3, roundsOnTwoExecutors(tmp.resolve("det-parts/metrics/rounds-000000000001.jsonl"))),
                () -> assertEquals(7, roundsOnTwoExecutors(tmp.resolve("det-parts/metrics/rounds-000000000004.jsonl")),
                        "the resumed detection submit ran rounds 4 to 10"),
                () -> assertArrayEquals(finalParams("det-whole"), finalParams("det-parts"), "detection"),
                () -> {
                    JsonNode whole = evaluation("det-whole");
                    assertEquals(whole, evaluation("det-parts"), "the COCO evaluation after the last round");
                    assertTrue(whole.get("coco").get("AP50").asDouble() > 0, "the detector finds some squares: " + whole);
                },
                                () -> assertEquals(3, roundsOnTwoExecutors(tmp.resolve("video-parts/metrics/rounds-000000000001.jsonl"))),
                () -> assertEquals(3, roundsOnTwoExecutors(tmp.resolve("video-parts/metrics/rounds-000000000004.jsonl")),
                        "the resumed video submit ran rounds 4 to 6"),
                () -> assertArrayEquals(finalParams("video-whole"), finalParams("video-parts"), "video"),
                () -> {
                    JsonNode whole = evaluation("video-whole");
                    assertEquals(whole, evaluation("video-parts"), "the clip and video accuracy after the last round");
                    assertEquals(12, whole.get("videos").asInt(), whole.toString());
                    assertEquals(24, whole.get("clips").asInt(), "2 clips per video: " + whole);
                }));
        assertAll(checks);
    }
}
