package io.sparkcnn.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.BoxCounts;
import io.sparkcnn.jobs.data.BoxSurvey;
import io.sparkcnn.jobs.data.DetectionRows;
import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.data.ShardRowReader;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.eval.DetectionEvaluation;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.detect.Detections;
import io.sparkcnn.model.detect.NonMaxSuppression;
import io.sparkcnn.model.detect.ScoredBox;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.metrics.CocoEvaluation;
import io.sparkcnn.model.metrics.CocoMatches;
import io.sparkcnn.model.task.DetectionTask;
import io.sparkcnn.model.detect.Box;
import io.sparkcnn.model.detect.GroundTruth;
import io.sparkcnn.model.task.Example;
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

/** Detection through the same train job: the task from the detector's ssd loss, the box columns, both modes, stop/resume. */
class DetectionTrainJobTest extends SharedSpark {
    @TempDir
    static Path tmp;
    private String data;
    private Path network;

    @BeforeAll
    void writeData() throws IOException {
        data = TinyDetShards.write(spark, tmp.resolve("shards").toUri().toString(), 64, 20);
        network = tmp.resolve("tinydet.conf");
        Files.writeString(network, TinyDetShards.networkConfig());
    }

    JobConfig config(String run, String... more) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + tmp.resolve(run).toUri(), "data.path=" + data, "model.file=" + network,
                "model.input=[3, 32, 32]", "model.classes=2", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=2", "train.epochs=5", "train.checkpointEvery=3", "train.keepCheckpoints=2",
                "trainer.learningRate=0.05", "trainer.momentum=0.9", "backend.kind=cpu", "data.shuffleBlockRows=16",
                "augment.horizontalFlip=true", "augment.detectionExpand=0.5", "augment.detectionMaxExpand=1.5",
                "augment.detectionMinPatch=0.7", "eval.batchSize=8", "train.progress=off", "train.evaluateAtEnd=false"));
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

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (; t != null; t = t.getCause()) b.append(t.getMessage()).append('\n');
        return b.toString();
    }

    @Test
    void thePlanTakesTheTaskFromTheDetectorsSsdLoss() {
        JobPlan plan = JobPlan.prepare(config("plan"), sc.hadoopConfiguration());
        assertEquals(Task.DETECTION, plan.task().kind());
        int anchors = 4 * 4 * 2 + 2 * 2;
        assertEquals(5 * anchors, plan.trainExamples().targetSize(), "4 offsets and a label per anchor");
        assertEquals(3 * 32 * 32, plan.evalExamples().inputSize());
    }

    @Test
    void aNetworkWithoutTheSsdLossIsRefusedNamingTheSetting() throws IOException {
        Path seg = tmp.resolve("noloss.conf");
        Files.writeString(seg, TinySegShards.networkConfig().replace("[3, 16, 16]", "[3, 32, 32]"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobPlan.prepare(config("noloss", "model.file=" + seg), sc.hadoopConfiguration()));
        assertEquals("model.file", e.key());
        assertTrue(e.getMessage().contains("ssd") && e.getMessage().contains("detection"), e.getMessage());

        ConfigException zoo = assertThrows(ConfigException.class,
                () -> JobPlan.prepare(config("zoo", "model.file=", "model.zoo=lenet5", "model.input=[3, 32, 32]"),
                        sc.hadoopConfiguration()));
        assertEquals("model.zoo", zoo.key());
    }

    @Test
    void headsThatDoNotFitTheAnchorsAreRefusedNamingTheNode() throws IOException {
        // the heads are built for 2 boxes per cell on the 4x4 map; the file's loss gives that map 3 (ratios 1 and 2)
        String text = TinyDetShards.networkConfig();
        String ratios = "aspect_ratios = [1]";
        assertTrue(text.contains(ratios), text);
        Path bad = tmp.resolve("misfit.conf");
        Files.writeString(bad, text.replaceFirst(java.util.regex.Pattern.quote(ratios), "aspect_ratios = [1, 2]"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobPlan.prepare(config("misfit", "model.file=" + bad), sc.hadoopConfiguration()));
        assertEquals("model.file", e.key());
        assertTrue(e.getMessage().contains("ssd_out") && e.getMessage().contains("anchors"), e.getMessage());

        ConfigException classes = assertThrows(ConfigException.class,
                () -> JobPlan.prepare(config("classes", "model.classes=3"), sc.hadoopConfiguration()));
        assertEquals("model.classes", classes.key());
    }

    @Test
    void classificationsGeometryIsRefusedAndColourJitterMovesPixelsNotTargets() {
        for (String setting : List.of("augment.padCrop=2", "augment.randomResizedCrop=true", "augment.evalResize=40")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> JobPlan.prepare(config("refused", setting), sc.hadoopConfiguration()));
            assertEquals(setting.substring(0, setting.indexOf('=')), e.key());
            assertTrue(e.getMessage().contains("augment.detectionExpand"), e.getMessage());
        }
        ConfigException scale = assertThrows(ConfigException.class,
                () -> JobPlan.prepare(config("scale", "augment.segmentationScaleMax=1.5"), sc.hadoopConfiguration()));
        assertEquals("augment.segmentationScaleMax", scale.key());

        JobPlan plain = JobPlan.prepare(config("plain"), sc.hadoopConfiguration());
        JobPlan jitter = JobPlan.prepare(config("jitter", "augment.brightness=0.4", "augment.contrast=0.4",
                "augment.saturation=0.4"), sc.hadoopConfiguration());
        SplitIndex train = plain.trainingSplit();
        EncodedRows rows = new ShardRowReader(train, sc.hadoopConfiguration(), Task.DETECTION).read(0, 8);
        for (int i = 0; i < rows.size(); i++) {
            float[][] p = examples(plain.trainExamples(), rows, i, 1000 + i), j = examples(jitter.trainExamples(), rows, i, 1000 + i);
            assertArrayEquals(p[1], j[1], rows.keys[i] + ": the same boxes (anchor targets) with jitter on");
            assertTrue(!java.util.Arrays.equals(p[0], j[0]), rows.keys[i] + ": jitter changed no pixel");
            assertArrayEquals(j[0], examples(jitter.trainExamples(), rows, i, 1000 + i)[0], "the same seed, the same pixels");
            assertArrayEquals(examples(plain.evalExamples(), rows, i, -1)[0], examples(jitter.evalExamples(), rows, i, -1)[0],
                    rows.keys[i] + ": evaluation never jitters");
        }
    }

    /** Row i's input and target floats: training's drawn from seed, evaluation's when seed is -1. */
    static float[][] examples(io.sparkcnn.jobs.data.RowExamples ex, EncodedRows rows, int i, long seed) {
        float[] x = new float[ex.inputSize()], t = new float[ex.targetSize()];
        if (seed < 0) ex.eval(rows, i, x, 0, t, 0);
        else ex.train(rows, i, seed, x, 0, t, 0);
        return new float[][] {x, t};
    }

    @Test
    void rowsCarryTheObjectColumnsAndEvaluationResizesTheBoxesWithTheImage() {
        JobPlan plan = JobPlan.prepare(config("rows"), sc.hadoopConfiguration());
        SplitIndex test = plan.split("test", "data.evalSplit");
        EncodedRows rows = new ShardRowReader(test, sc.hadoopConfiguration(), Task.DETECTION).read(0, (int) test.rows());
        DetectionRows examples = (DetectionRows) plan.evalExamples();
        int boxless = 0;
        for (int i = 0; i < rows.size(); i++) {
            int n = Integer.parseInt(rows.keys[i].replaceAll("\\D", ""));
            TinyDetShards.Objects o = TinyDetShards.objects("test", n);
            assertEquals(TinyDetShards.imageId("test", n), rows.imageIds[i], rows.keys[i]);
            assertEquals(o.labels(), java.util.Arrays.stream(rows.objLabels[i]).boxed().toList(), rows.keys[i]);
            assertEquals(o.boxes().size(), rows.objBoxes[i].length);
            for (int k = 0; k < rows.objBoxes[i].length; k++) assertEquals(o.boxes().get(k), rows.objBoxes[i][k]);
            for (int k = 0; k < rows.objAreas[i].length; k++) assertEquals(o.areas().get(k), rows.objAreas[i][k]);

            Example stored = examples.example(rows, i);
            assertEquals(TinyDetShards.WIDTH, stored.width());
            GroundTruth gt = io.sparkcnn.model.task.DetectionAugmentation.resize(stored, 32, 32).objects();
            assertEquals(o.labels().size(), gt.size());
            if (gt.size() == 0) boxless++;
            for (int k = 0; k < gt.size(); k++) {
                float x = o.boxes().get(4 * k), y = o.boxes().get(4 * k + 1), s = o.boxes().get(4 * k + 2);
                float sx = 32f / TinyDetShards.WIDTH, sy = 32f / TinyDetShards.HEIGHT;
                Box b = gt.box(k);
                assertEquals(x * sx, b.x1(), 1e-5, rows.keys[i]);
                assertEquals(y * sy, b.y1(), 1e-5, rows.keys[i]);
                assertEquals((x + s) * sx, b.x2(), 1e-5, rows.keys[i]);
                assertEquals((y + s) * sy, b.y2(), 1e-5, rows.keys[i]);
                assertEquals(o.labels().get(k) + 1, gt.label(k), "the detector's class is obj_label + 1");
            }
            // the evaluation target: some anchor is positive exactly when the image has a box
            float[] x = new float[examples.inputSize()], t = new float[examples.targetSize()];
            examples.eval(rows, i, x, 0, t, 0);
            boolean positive = false;
            for (int a = 0; a < t.length / 5; a++) positive |= t[t.length / 5 * 4 + a] > 0;
            assertEquals(gt.size() > 0, positive, rows.keys[i]);
        }
        assertEquals(4, boxless, "every fifth image has no box");
    }

    @Test
    void theSurveyCountsClippedAndDroppedBoxesAndABadRowFailsNamingIt() throws IOException {
        JobPlan plan = JobPlan.prepare(config("survey"), sc.hadoopConfiguration());
        SplitIndex train = plan.trainingSplit();
        BoxCounts c = BoxSurvey.run(sc, train, (DetectionRows) plan.trainExamples(), 3);
        long objects = 0, boxless = 0;
        for (int i = 0; i < 64; i++) {
            objects += TinyDetShards.objects("train", i).labels().size();
            if (TinyDetShards.objects("train", i).labels().isEmpty()) boxless++;
        }
        assertEquals(64, c.rows());
        assertEquals(boxless, c.rowsWithoutBoxes());
        assertEquals(objects + 2, c.objects(), "row 1's two extra boxes are stored");
        assertEquals(1, c.clipped());
        assertEquals(1, c.droppedEmpty());
        assertEquals(0, c.droppedOutside());
        assertEquals(objects + 1, c.kept());
        assertEquals(1, c.crowd());
        assertTrue(c.describe("train").contains("1 clipped to the image, 1 dropped for zero area"), c.describe("train"));

        String bad = TinyDetShards.write(spark, tmp.resolve("bad-shards").toUri().toString(), 32, 8, 5);
        Exception e = assertThrows(Exception.class, () -> train(config("bad", "data.path=" + bad), false));
        String all = chain(e);
        assertTrue(all.contains("train/img_5.jpg") && all.contains("obj_label 5"), all);
        assertTrue(new CheckpointStore(tmp.resolve("bad").toUri().toString(), sc.hadoopConfiguration()).list().isEmpty(),
                "it failed before training");
    }

    @Test
    void trainsWithAveragedParametersAndWithSummedGradients() throws IOException {
        // 64 rows / (2 x 8) = 4 minibatches per epoch; k = 2: 2 rounds per epoch, 10 rounds
        TrainJob.Result p = train(config("parameters"), false);
        assertEquals(10, p.state().round());
        List<Double> pl = roundLosses("parameters");
        assertTrue(pl.get(pl.size() - 1) < 0.7 * pl.get(0), "loss per round " + pl);

        TrainJob.Result g = train(config("gradients", "train.aggregation=gradients"), false);
        assertEquals(20, g.state().step());
        List<Double> gl = roundLosses("gradients");
        assertTrue(gl.get(gl.size() - 1) < 0.7 * gl.get(0), "loss per round " + gl);
    }

    @Test
    void aMinibatchOfImagesWithoutBoxesTrains() throws IOException {
        String boxless = TinyDetShards.write(spark, tmp.resolve("boxless-shards").toUri().toString(), 32, 8, -1, true);
        // 32 rows / (2 x 8) = 2 minibatches per epoch: one round per epoch, every minibatch without a box
        TrainJob.Result r = train(config("boxless", "data.path=" + boxless, "train.epochs=3"), false);
        assertEquals(3, r.state().round());
        List<Double> l = roundLosses("boxless");
        assertTrue(l.get(0) > 0 && l.stream().allMatch(Double::isFinite), "mined negatives give a class loss: " + l);
        assertTrue(l.get(2) < 0.5 * l.get(0), "the background is learned: " + l);
    }

    @Test
    void evaluationOnTheExecutorsEqualsCocoMatchesComputedByHandInOneJvm() throws IOException {
        TrainJob.Result r = train(config("eval", "train.evaluateAtEnd=true", "eval.partitions=3", "train.epochs=20"), false);
        DetectionEvaluation e = r.detection();
        assertEquals(null, r.evaluation());
        assertEquals(null, r.segmentation());

        // by hand: each test image through one network in this JVM, decode, per-class NMS, top-100, back to stored pixels
        JobConfig cfg = config("eval");
        JobPlan plan = JobPlan.prepare(cfg, sc.hadoopConfiguration());
        CheckpointStore.Loaded l = new CheckpointStore(tmp.resolve("eval").toUri().toString(), sc.hadoopConfiguration())
                .newest().orElseThrow();
        SplitIndex test = plan.split("test", "data.evalSplit");
        EncodedRows rows = new ShardRowReader(test, sc.hadoopConfiguration(), Task.DETECTION).read(0, (int) test.rows());
        DetectionRows examples = (DetectionRows) plan.evalExamples();
        DetectionTask task = DetectionTask.of(plan.network());
        CocoMatches byHand = new CocoMatches(TinyDetShards.CLASSES);
        NonMaxSuppression nms = new NonMaxSuppression(Float.NEGATIVE_INFINITY, 0.45, 100, 0);
        try (Network net = new ScoringModel(NetworkConfig.write(plan.network()), l.checkpoint().params(),
                l.checkpoint().buffers(), 1, BackendChoice.of(cfg)).build(1, -1)) {
            float[] x = new float[examples.inputSize()], y = new float[examples.targetSize()], out = new float[net.outputSize()];
            for (int i = 0; i < rows.size(); i++) {
                examples.eval(rows, i, x, 0, y, 0);
                net.setInput(x, 0);
                net.forward(false);
                net.readOutput(out);
                List<ScoredBox> candidates = task.decode(out, 0, 0.01f, 200);
                int n = candidates.size();
                float[] boxes = new float[4 * n], scores = new float[n];
                int[] labels = new int[n];
                for (int c = 0; c < n; c++) {
                    Box b = candidates.get(c).box();
                    boxes[4 * c] = b.x1();
                    boxes[4 * c + 1] = b.y1();
                    boxes[4 * c + 2] = b.x2();
                    boxes[4 * c + 3] = b.y2();
                    scores[c] = candidates.get(c).score();
                    labels[c] = candidates.get(c).label() - 1;
                }
                Detections kept = new Detections(), stored = new Detections();
                nms.apply(boxes, scores, labels, n, kept);
                double sx = (double) TinyDetShards.WIDTH / 32, sy = (double) TinyDetShards.HEIGHT / 32;
                for (int d = 0; d < kept.count(); d++) {
                    stored.add((float) (kept.x1(d) * sx), (float) (kept.y1(d) * sy), (float) (kept.x2(d) * sx),
                            (float) (kept.y2(d) * sy), kept.score(d), kept.label(d));
                }
                byHand.addImage(rows.imageIds[i], rows.objLabels[i], rows.objBoxes[i], rows.objAreas[i], rows.objCrowd[i], stored);
            }
        }
        CocoEvaluation expected = byHand.accumulate();
        assertArrayEquals(expected.stats(), e.stats());
        for (int k = 0; k < TinyDetShards.CLASSES; k++) assertEquals(expected.classAp(k), e.coco().classAp(k));
        assertTrue(e.stats()[1] > 0.3, "the tiny detector finds the squares: AP50 " + e.stats()[1] + "\n" + e.text());
        assertTrue(e.text().contains("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]"), e.text());
        assertTrue(e.text().contains("   3  red") && e.text().contains("   7  blue"), e.text());

        Path dir = tmp.resolve("eval/checkpoints").resolve(l.dir().getName());
        var json = new ObjectMapper().readTree(dir.resolve("evaluation-test.json").toFile());
        assertEquals(e.stats()[0], json.get("coco").get("AP").asDouble());
        assertEquals(e.stats()[11], json.get("coco").get("ARlarge").asDouble());
        assertEquals(7, json.get("categories").get(1).get("id").asInt());
        assertEquals("blue", json.get("categories").get(1).get("name").asText());
        assertEquals(e.coco().classAp(1), json.get("categories").get(1).get("AP").asDouble());

        // evaluate on its own, in another number of partitions, gives the same numbers
        DetectionEvaluation again = EvaluateJob.runDetection(spark, JobPlan.prepare(config("eval", "eval.partitions=2",
                "eval.batchSize=3"), sc.hadoopConfiguration()), io.sparkcnn.model.progress.JobConsole.stderr("evaluate"));
        assertArrayEquals(e.stats(), again.stats());
    }

    @Test
    void predictWritesACocoResultsFileOfTheEvaluatedDetections() throws IOException {
        JobConfig cfg = config("predict", "train.epochs=20", "train.evaluateAtEnd=true", "eval.partitions=3");
        TrainJob.Result r = train(cfg, false);
        JobPlan plan = JobPlan.prepare(cfg, sc.hadoopConfiguration());
        Path out = Path.of(java.net.URI.create(PredictJob.run(spark, plan)));
        assertEquals("detections-test.json", out.getFileName().toString());

        // the file's detections, back as corner boxes with class indices, evaluate to the numbers of the evaluation
        var results = new ObjectMapper().readTree(out.toFile());
        SplitIndex test = plan.split("test", "predict.split");
        EncodedRows rows = new ShardRowReader(test, sc.hadoopConfiguration(), Task.DETECTION).read(0, (int) test.rows());
        java.util.Map<Long, Detections> byImage = new java.util.HashMap<>();
        for (int i = 0; i < rows.size(); i++) byImage.put(rows.imageIds[i], new Detections());
        for (var d : results) {
            int id = d.get("category_id").asInt();
            assertTrue(id == 3 || id == 7, "original category ids: " + d);
            var b = d.get("bbox");
            Detections img = byImage.get(d.get("image_id").asLong());
            assertTrue(img != null, "an image of the split: " + d);
            float x = (float) b.get(0).asDouble(), y = (float) b.get(1).asDouble();
            img.add(x, y, (float) (x + b.get(2).asDouble()), (float) (y + b.get(3).asDouble()), (float) d.get("score").asDouble(),
                    id == 3 ? 0 : 1);
        }
        assertTrue(results.size() > rows.size(), results.size() + " detections");
        CocoMatches fromFile = new CocoMatches(TinyDetShards.CLASSES);
        for (int i = 0; i < rows.size(); i++) {
            Detections d = byImage.get(rows.imageIds[i]);
            assertTrue(d.count() <= 100, "top-100 per image");
            fromFile.addImage(rows.imageIds[i], rows.objLabels[i], rows.objBoxes[i], rows.objAreas[i], rows.objCrowd[i], d);
        }
        double[] expected = r.detection().stats(), got = fromFile.accumulate().stats();
        for (int s = 0; s < expected.length; s++) assertEquals(expected[s], got[s], 1e-9, DetectionEvaluation.STAT_NAMES.get(s));
    }

    @Test
    void stoppingAndResumingGivesTheUninterruptedParametersBitForBit() {
        train(config("whole"), false);
        TrainJob.Result stopped = train(config("parts", "train.maxRounds=3"), false);
        assertEquals(3, stopped.state().round());
        TrainJob.Result resumed = train(config("parts"), true);
        assertEquals(10, resumed.state().round());
        assertArrayEquals(checkpointParams("whole"), checkpointParams("parts"));
    }
}
