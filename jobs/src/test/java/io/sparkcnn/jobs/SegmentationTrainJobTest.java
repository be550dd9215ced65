package io.sparkcnn.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.data.RowExamples;
import io.sparkcnn.jobs.data.ShardRowReader;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.eval.SegmentationEvaluation;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.Network;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Segmentation through the same train job: the task from the manifest, both aggregation modes, stop/resume. */
class SegmentationTrainJobTest extends SharedSpark {
    @TempDir
    static Path tmp;
    private String data;
    private Path network, pooled;

    @BeforeAll
    void writeData() throws IOException {
        data = TinySegShards.write(spark, tmp.resolve("shards").toUri().toString(), 96, 24);
        network = tmp.resolve("tinyseg.conf");
        Files.writeString(network, TinySegShards.networkConfig());
        pooled = tmp.resolve("pooled.conf");
        Files.writeString(pooled, TinySegShards.pooledNetworkConfig());
    }

    private JobConfig config(String run, String... more) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + tmp.resolve(run).toUri(), "data.path=" + data, "model.file=" + network,
                "model.input=[3, 16, 16]", "model.classes=3", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=2", "train.epochs=4", "train.checkpointEvery=3", "train.keepCheckpoints=2",
                "trainer.learningRate=0.1", "trainer.momentum=0.9", "backend.kind=cpu", "data.shuffleBlockRows=16",
                "augment.horizontalFlip=true", "augment.segmentationScaleMin=0.8", "augment.segmentationScaleMax=1.25",
                "eval.batchSize=16", "train.progress=off", "train.evaluateAtEnd=false"));
        o.addAll(List.of(more));
        return JobConfig.load(null, o);
    }

    private TrainJob.Result train(JobConfig cfg, boolean resume) {
        return TrainJob.run(spark, JobPlan.prepareTraining(cfg, sc.hadoopConfiguration()), resume);
    }

    private float[] checkpointParams(String run) {
        CheckpointStore store = new CheckpointStore(tmp.resolve(run).toUri().toString(), sc.hadoopConfiguration());
        return store.newest().orElseThrow().checkpoint().params();
    }

    private List<Double> roundLosses(String run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Double> l = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve(run + "/metrics/rounds-000000000001.jsonl"))) {
            l.add(json.readTree(line).get("loss").asDouble());
        }
        return l;
    }

    @Test
    void thePlanTakesTheTaskFromTheManifest() {
        JobPlan plan = JobPlan.prepare(config("plan"), sc.hadoopConfiguration());
        assertEquals(Task.SEGMENTATION, plan.task().kind());
        assertEquals(16 * 16, plan.trainExamples().targetSize());
        assertEquals(1, plan.network().heads().size(), "the task's per-pixel loss was added");
    }

    @Test
    void aNetworkWhoseOutputCannotMatchTheMaskIsRefusedNamingTheLayer() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobPlan.prepare(config("pooled", "model.file=" + pooled), sc.hadoopConfiguration()));
        assertEquals("model.file", e.key());
        assertTrue(e.getMessage().contains("'logits'") && e.getMessage().contains("8x8"), e.getMessage());
    }

    @Test
    void classificationsGeometryIsRefusedAndColourJitterMovesPixelsNotTheMask() {
        for (String setting : List.of("augment.padCrop=2", "augment.randomResizedCrop=true", "augment.evalResize=20")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> JobPlan.prepare(config("refused", setting), sc.hadoopConfiguration()));
            assertEquals(setting.substring(0, setting.indexOf('=')), e.key());
            assertTrue(e.getMessage().contains("augment.segmentationScaleMin"), e.getMessage());
        }
        JobPlan plain = JobPlan.prepare(config("plain"), sc.hadoopConfiguration());
        JobPlan jitter = JobPlan.prepare(config("jitter", "augment.brightness=0.4", "augment.contrast=0.4"),
                sc.hadoopConfiguration());
        SplitIndex train = plain.trainingSplit();
        EncodedRows rows = new ShardRowReader(train, sc.hadoopConfiguration(), Task.SEGMENTATION).read(0, 8);
        for (int i = 0; i < rows.size(); i++) {
            float[][] p = DetectionTrainJobTest.examples(plain.trainExamples(), rows, i, 1000 + i);
            float[][] j = DetectionTrainJobTest.examples(jitter.trainExamples(), rows, i, 1000 + i);
            assertArrayEquals(p[1], j[1], rows.keys[i] + ": the same mask targets with jitter on");
            assertTrue(!java.util.Arrays.equals(p[0], j[0]), rows.keys[i] + ": jitter changed no pixel");
            assertArrayEquals(j[0], DetectionTrainJobTest.examples(jitter.trainExamples(), rows, i, 1000 + i)[0]);
            assertArrayEquals(DetectionTrainJobTest.examples(plain.evalExamples(), rows, i, -1)[0],
                    DetectionTrainJobTest.examples(jitter.evalExamples(), rows, i, -1)[0], rows.keys[i] + ": evaluation never jitters");
        }
    }

    @Test
    void aMaskOfAnotherSizeThanItsImageFailsNamingTheRow() throws IOException {
        String bad = TinySegShards.write(spark, tmp.resolve("bad-shards").toUri().toString(), 32, 8, 5);
        Exception e = assertThrows(Exception.class, () -> train(config("bad", "data.path=" + bad), false));
        String all = chain(e);
        assertTrue(all.contains("train/scene_5_leftImg8bit.png") && all.contains("mask is 15x16 but its image is 16x16"), all);
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (; t != null; t = t.getCause()) b.append(t.getMessage()).append('\n');
        return b.toString();
    }

    @Test
    void trainsWithAveragedParametersAndWithSummedGradients() throws IOException {
        // 96 rows / (2 x 8) = 6 minibatches per epoch; k = 2: 3 rounds per epoch, 12 rounds
        TrainJob.Result p = train(config("parameters"), false);
        assertEquals(12, p.state().round());
        List<Double> pl = roundLosses("parameters");
        assertTrue(pl.get(pl.size() - 1) < 0.6 * pl.get(0), "loss per round " + pl);

        TrainJob.Result g = train(config("gradients", "train.aggregation=gradients", "trainer.learningRate=0.1"), false);
        assertEquals(24, g.state().step());
        List<Double> gl = roundLosses("gradients");
        assertTrue(gl.get(gl.size() - 1) < 0.7 * gl.get(0), "loss per round " + gl);
    }

    @Test
    void evaluationOnTheExecutorsEqualsTheConfusionMatrixCountedByHandInOneJvm() throws IOException {
        TrainJob.Result r = train(config("eval", "train.evaluateAtEnd=true", "eval.partitions=3"), false);
        SegmentationEvaluation e = r.segmentation();
        assertEquals(null, r.evaluation());

        // by hand: the same evaluation examples through one network in this JVM, argmax per pixel
        JobConfig cfg = config("eval");
        JobPlan plan = JobPlan.prepare(cfg, sc.hadoopConfiguration());
        CheckpointStore.Loaded l = new CheckpointStore(tmp.resolve("eval").toUri().toString(), sc.hadoopConfiguration())
                .newest().orElseThrow();
        SplitIndex test = plan.split("test", "data.evalSplit");
        EncodedRows rows = new ShardRowReader(test, sc.hadoopConfiguration(), Task.SEGMENTATION).read(0, (int) test.rows());
        RowExamples examples = plan.evalExamples();
        int k = TinySegShards.CLASSES, pixels = examples.targetSize();
        long[][] counts = new long[k][k];
        try (Network net = new ScoringModel(NetworkConfig.write(plan.network()), l.checkpoint().params(),
                l.checkpoint().buffers(), 1, BackendChoice.of(cfg)).build(1, -1)) {
            float[] x = new float[examples.inputSize()], y = new float[pixels], out = new float[net.outputSize()];
            for (int i = 0; i < rows.size(); i++) {
                examples.eval(rows, i, x, 0, y, 0);
                net.setInput(x, 0);
                net.forward(false);
                net.readOutput(out);
                for (int s = 0; s < pixels; s++) {
                    int truth = (int) y[s];
                    if (truth == 255) continue;
                    int best = 0;
                    for (int c = 1; c < k; c++) if (out[c * pixels + s] > out[best * pixels + s]) best = c;
                    counts[truth][best]++;
                }
            }
        }
        long total = 0, diagonal = 0;
        long[] truthTotal = new long[k];
        double iouSum = 0;
        int scored = 0;
        for (int c = 0; c < k; c++) {
            long predicted = 0;
            for (int t = 0; t < k; t++) {
                predicted += counts[t][c];
                truthTotal[c] += counts[c][t];
                total += counts[c][t];
            }
            diagonal += counts[c][c];
            long union = truthTotal[c] + predicted - counts[c][c];
            if (union > 0) {
                iouSum += (double) counts[c][c] / union;
                scored++;
            }
            for (int p = 0; p < k; p++) assertEquals(counts[c][p], e.confusion().count(c, p), "cell " + c + "," + p);
        }
        assertEquals(iouSum / scored, e.scores().meanIou(), 1e-12);
        assertEquals((double) diagonal / total, e.scores().pixelAccuracy(), 1e-12);
        // the baseline predicts the most frequent class everywhere: IoU = its share, 0 for the others
        int common = 0;
        for (int c = 1; c < k; c++) if (truthTotal[c] > truthTotal[common]) common = c;
        assertEquals(0, common, "background is the most frequent class");
        assertEquals((double) truthTotal[common] / total / k, e.baseline().meanIou(), 1e-12);
        assertTrue(e.scores().meanIou() > e.baseline().meanIou() + 0.3, e.text());

        Path dir = tmp.resolve("eval/checkpoints").resolve(l.dir().getName());
        String json = Files.readString(dir.resolve("evaluation-test.json"));
        assertTrue(json.contains("\"meanIou\"") && json.contains("\"baseline\"") && json.contains("\"bright\""), json);
        List<String> tsv = Files.readAllLines(dir.resolve("evaluation-test.tsv"));
        assertEquals("class\tiou\tground_truth_pixels\tpredicted_pixels\ttrue_positives", tsv.get(0));
        assertTrue(tsv.get(2).startsWith("bright\t") && tsv.get(2).endsWith("\t" + truthTotal[1] + "\t"
                + (counts[0][1] + counts[1][1] + counts[2][1]) + "\t" + counts[1][1]), tsv.get(2));
        assertTrue(e.text().contains("baseline (all 'background')"), e.text());

        // evaluate on its own, in another number of partitions, counts the same pixels
        SegmentationEvaluation again = EvaluateJob.runSegmentation(spark, JobPlan.prepare(config("eval", "eval.partitions=2"),
                sc.hadoopConfiguration()), io.sparkcnn.model.progress.JobConsole.stderr("evaluate"));
        assertEquals(e.confusion(), again.confusion());
    }

    @Test
    void predictWritesTrainIdLabelIdAndOverlayPngsNamedAfterTheInput() throws Exception {
        // 19 output channels: the Cityscapes train ids, so labelIds are written too
        Path net19 = tmp.resolve("tinyseg19.conf");
        Files.writeString(net19, TinySegShards.networkConfig().replace("filters = 3", "filters = 19")
                .replace("name = tinyseg", "name = tinyseg19"));
        JobConfig cfg = config("predict", "model.file=" + net19, "model.classes=19", "train.epochs=2",
                "predict.overlay=true", "predict.overlayAlpha=1", "eval.partitions=3");
        train(cfg, false);
        JobPlan plan = JobPlan.prepare(cfg, sc.hadoopConfiguration());
        Path out = Path.of(java.net.URI.create(PredictJob.run(spark, plan)));

        CheckpointStore.Loaded l = new CheckpointStore(tmp.resolve("predict").toUri().toString(), sc.hadoopConfiguration())
                .newest().orElseThrow();
        SplitIndex test = plan.split("test", "predict.split");
        EncodedRows rows = new ShardRowReader(test, sc.hadoopConfiguration(), Task.SEGMENTATION).read(0, (int) test.rows());
        RowExamples examples = plan.evalExamples();
        int pixels = examples.targetSize();
        io.sparkcnn.model.data.ImageCodec codec = new io.sparkcnn.model.data.ImageCodec();
        int[] palette = io.sparkcnn.model.data.CityscapesLabels.trainIdPalette();
        try (Network net = new ScoringModel(NetworkConfig.write(plan.network()), l.checkpoint().params(),
                l.checkpoint().buffers(), 1, BackendChoice.of(cfg)).build(1, -1)) {
            float[] x = new float[examples.inputSize()], y = new float[pixels], logits = new float[net.outputSize()];
            for (int i = 0; i < rows.size(); i++) {
                examples.eval(rows, i, x, 0, y, 0);
                net.setInput(x, 0);
                net.forward(false);
                net.readOutput(logits);
                String name = rows.keys[i].substring("test/".length()); // scene_<n>_leftImg8bit.png
                int[] trainIds = codec.decodeGray(Files.readAllBytes(out.resolve("trainIds").resolve(name))).values();
                int[] labelIds = codec.decodeGray(Files.readAllBytes(out.resolve("labelIds").resolve(name))).values();
                var overlay = codec.decode(Files.readAllBytes(out.resolve("overlay").resolve(name))).image();
                assertEquals(pixels, trainIds.length);
                for (int s = 0; s < pixels; s++) {
                    int best = 0;
                    for (int c = 1; c < 19; c++) if (logits[c * pixels + s] > logits[best * pixels + s]) best = c;
                    assertEquals(best, trainIds[s], name + " pixel " + s);
                    assertEquals(io.sparkcnn.model.data.CityscapesLabels.labelId(best), labelIds[s], name + " pixel " + s);
                    assertEquals((palette[best] >> 16) & 0xff, overlay.pixels()[3 * s] & 0xff, name + " overlay red, pixel " + s);
                }
                assertEquals(16, overlay.width());
                assertEquals(16, overlay.height());
            }
        }
        for (String folder : List.of("trainIds", "labelIds", "overlay")) {
            try (var files = Files.list(out.resolve(folder))) {
                List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList();
                assertEquals(24, names.size(), folder + ": " + names);
                assertTrue(names.stream().allMatch(n -> n.matches("scene_\\d+_leftImg8bit\\.png")), folder + ": " + names);
            }
        }
    }

    @Test
    void stoppingAndResumingGivesTheUninterruptedParametersBitForBit() {
        train(config("whole"), false);
        TrainJob.Result stopped = train(config("parts", "train.maxRounds=5"), false);
        assertEquals(5, stopped.state().round());
        TrainJob.Result resumed = train(config("parts"), true);
        assertEquals(12, resumed.state().round());
        assertArrayEquals(checkpointParams("whole"), checkpointParams("parts"));
    }
}
