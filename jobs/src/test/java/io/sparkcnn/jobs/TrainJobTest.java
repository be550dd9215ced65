package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.checkpoint.OuterMomentumSlot;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.train.Evaluation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

/** The train, evaluate and predict jobs end to end on small shards, in local mode on file://. */
class TrainJobTest extends SharedSpark {
    @TempDir
    static Path tmp;
    private String data;
    private Path network;

    @BeforeAll
    void writeData() throws IOException {
        data = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 400, 120);
        network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, TinyShards.networkConfig());
    }

    private JobConfig config(String run, String... more) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + tmp.resolve(run).toUri(), "data.path=" + data, "model.file=" + network,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=3", "train.epochs=2", "train.checkpointEvery=4", "train.keepCheckpoints=2",
                "trainer.learningRate=0.05", "trainer.momentum=0.9", "backend.kind=cpu", "data.shuffleBlockRows=16",
                "augment.padCrop=1", "augment.brightness=0.2", "eval.batchSize=32", "train.progress=off"));
        o.addAll(List.of(more));
        return JobConfig.load(null, o);
    }

    private TrainJob.Result train(JobConfig cfg, boolean resume) {
        return TrainJob.run(spark, JobPlan.prepare(cfg, sc.hadoopConfiguration()), resume);
    }

    private float[] checkpointParams(String run) throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.resolve(run).toUri().toString(), sc.hadoopConfiguration());
        return store.newest().orElseThrow().checkpoint().params();
    }

    @Test
    void trainsCheckpointsEvaluatesAndLogsEveryRound() throws IOException {
        TrainJob.Result r = train(config("full"), false);
        // 400 rows / (2 x 8) = 25 minibatches per epoch, k = 3: 9 rounds per epoch
        assertEquals(50, r.state().step());
        assertEquals(18, r.state().round());
        assertEquals(2, r.state().epoch());
        assertTrue(r.evaluation().accuracy() > 0.8, "accuracy " + r.evaluation().accuracy());
        assertEquals(120, r.evaluation().count());

        Path checkpoints = tmp.resolve("full/checkpoints");
        try (var dirs = Files.list(checkpoints)) {
            assertEquals(List.of("step-000000000046", "step-000000000050"), dirs.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.exists(checkpoints.resolve("step-000000000050/evaluation-test.json")));
        String report = Files.readString(checkpoints.resolve("step-000000000050/evaluation-test.json"));
        assertTrue(report.contains("\"top1\"") && report.contains("\"confusion\""), report);
        List<String> lines = Files.readAllLines(tmp.resolve("full/metrics/rounds-000000000001.jsonl"));
        assertEquals(18, lines.size());
        assertTrue(lines.get(0).contains("\"perWorker\":[{\"worker\":0"), lines.get(0));
        assertTrue(lines.get(0).contains("\"broadcastMs\"") && lines.get(0).contains("\"aggregateMs\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"learningRate\":0.05,"), lines.get(0));

        // evaluate on its own reads the newest checkpoint and agrees with the end-of-training evaluation
        Evaluation again = EvaluateJob.run(spark, JobPlan.prepare(config("full"), sc.hadoopConfiguration()));
        assertEquals(r.evaluation().correct(), again.correct());
        assertEquals(r.evaluation().lossSum(), again.lossSum());
        reportShowsTheRunInABrowser(tmp.resolve("full"), again);

        String out = PredictJob.run(spark, JobPlan.prepare(config("full", "predict.topK=2"), sc.hadoopConfiguration()));
        Dataset<Row> p = spark.read().parquet(out);
        assertEquals(120, p.count());
        long correct = p.filter("label = predicted").count();
        assertEquals(r.evaluation().correct(), correct);
        assertEquals(2, p.first().getList(p.first().fieldIndex("top_classes")).size());

        // a fresh run into a directory with checkpoints is refused; --resume of a finished run trains no more
        ConfigException refused = assertThrows(ConfigException.class, () -> train(config("full"), false));
        assertEquals("run.dir", refused.key());
        TrainJob.Result finished = train(config("full", "train.evaluateAtEnd=false"), true);
        assertEquals(50, finished.state().step());
        assertEquals(18, Files.readAllLines(tmp.resolve("full/metrics/rounds-000000000001.jsonl")).size());
    }

    /**
     * The page train and evaluate left in the run directory, as headless Chromium draws it: 4 training charts, the
     * evaluation's metrics and per-class charts, evaluate's 8 Grad-CAM overlays, every one decoded; the numbers shown.
     */
    private static void reportShowsTheRunInABrowser(Path run, Evaluation e) throws IOException {
        Path gradcam = run.resolve(io.sparkcnn.jobs.report.GradCamSamples.FOLDER);
        List<String> index = Files.readAllLines(gradcam.resolve(ExplainJob.INDEX));
        assertEquals(9, index.size(), String.join("\n", index));
        try (var pngs = Files.list(gradcam)) {
            assertEquals(8, pngs.filter(f -> f.toString().endsWith(".png")).count());
        }
        io.sparkcnn.jobs.report.HeadlessChromium.View page;
        try {
            page = io.sparkcnn.jobs.report.HeadlessChromium.load(run.resolve("report.html"), Files.createTempDirectory(tmp, "page"));
        } catch (InterruptedException ex) {
            throw new AssertionError(ex);
        }
        assertEquals(4 + 2 + 8, page.naturalWidths().size(), page.dom());
        assertTrue(page.naturalWidths().stream().allMatch(w -> w > 0), "images the browser could not draw: " + page.naturalWidths());
        assertTrue(page.naturalWidths().subList(0, 6).stream().allMatch(w -> w == 760), "the charts: " + page.naturalWidths());
        assertTrue(page.naturalWidths().subList(6, 14).stream().allMatch(w -> w == 24), "12x12 overlays drawn twice the size");
        String text = page.text();
        for (String shown : List.of("Evaluation on 'test'", "top1 " + String.format(java.util.Locale.ROOT, "%.4f", e.accuracy()),
                "examples 120", "Per-class scores", "Grad-CAM", "round / step / epoch 18 / 50 / 2", "learningRate=0.05")) {
            assertTrue(text.contains(shown), "'" + shown + "' not on the page: " + text);
        }
    }

    @Test
    void stoppingAfterARoundAndResumingGivesTheUninterruptedParametersBitForBit() throws IOException {
        train(config("whole"), false);
        TrainJob.Result stopped = train(config("parts", "train.maxRounds=5"), false);
        assertEquals(5, stopped.state().round());
        assertEquals(null, stopped.evaluation());
        TrainJob.Result resumed = train(config("parts"), true);
        assertEquals(18, resumed.state().round());
        assertArrayEquals(checkpointParams("whole"), checkpointParams("parts"));
        // and a second run with the same seed and workers lands on the same bits
        train(config("again"), false);
        assertArrayEquals(checkpointParams("whole"), checkpointParams("again"));
    }

    @Test
    void withTheOuterOptimizerStoppingAndResumingGivesTheUninterruptedParametersBitForBit() throws IOException {
        String[] outer = {"model.file=" + bnNetwork(4), "train.epochs=1", "train.evaluateAtEnd=false",
                "train.outerOptimizer=nesterov", "train.outerLearningRate=0.7", "train.outerMomentum=0.9"};
        // gradients mode refuses it before anything runs, naming the setting
        ConfigException gradients = assertThrows(ConfigException.class, () -> JobPlan.prepareTraining(config("outer-gradients",
                "train.aggregation=gradients", "train.outerOptimizer=nesterov"), sc.hadoopConfiguration()));
        assertTrue(gradients.getMessage().contains("train.outerOptimizer") && gradients.getMessage().contains("gradients"),
                gradients.getMessage());
        train(config("outer-whole", outer), false);
        List<String> first = new ArrayList<>(List.of(outer));
        first.add("train.maxRounds=4"); // 9 rounds per epoch: stops mid-epoch, with momentum built up
        assertEquals(4, train(config("outer-parts", first.toArray(String[]::new)), false).state().round());
        // the outer optimizer is part of the run: resuming without it is refused, naming the setting
        ConfigException refused = assertThrows(ConfigException.class,
                () -> train(config("outer-parts", "model.file=" + bnNetwork(4), "train.epochs=1"), true));
        assertTrue(refused.getMessage().contains("train.outerOptimizer"), refused.getMessage());
        TrainJob.Result resumed = train(config("outer-parts", outer), true);
        assertEquals(9, resumed.state().round());
        CheckpointStore.Loaded whole = newest("outer-whole"), parts = newest("outer-parts");
        assertArrayEquals(whole.checkpoint().params(), parts.checkpoint().params());
        assertArrayEquals(whole.checkpoint().buffers(), parts.checkpoint().buffers());
        assertArrayEquals(whole.checkpoint().optimizerState(), parts.checkpoint().optimizerState(), "inner state and momentum");
        assertEquals("sgd" + OuterMomentumSlot.SUFFIX, parts.checkpoint().optimizer());
        float[] u = OuterMomentumSlot.momentum(parts.checkpoint());
        assertArrayEquals(resumed.state().outerMomentum(), u);
        double norm = 0;
        for (float v : u) norm += v * v;
        assertTrue(norm > 0, "the outer momentum is stored");
    }

    /** The tiny CNN with a batch norm, its head named "head" with this many classes; conv2 is copied and trains. */
    private Path bnNetwork(int classes) throws IOException {
        Path p = tmp.resolve("bn-" + classes + ".conf");
        Files.writeString(p, """
                network {
                  name = tinybn
                  input = [1, 12, 12]
                  layers = [
                    { type = conv2d, name = conv1, filters = 4, kernel = 3, padding = 1 }
                    { type = batchnorm, name = bn1 }
                    { type = relu }
                    { type = maxpool2d, kernel = 2 }
                    { type = conv2d, name = conv2, filters = 4, kernel = 3, padding = 1 }
                    { type = relu }
                    { type = flatten }
                    { type = dense, name = head, units = %d }
                  ]
                  loss { type = softmax_cross_entropy }
                }
                """.formatted(classes));
        return p;
    }

    private String[] fineTune(String... more) throws IOException {
        List<String> o = new ArrayList<>(List.of("model.file=" + bnNetwork(6), "model.classes=6",
                "train.initFrom=" + tmp.resolve("pre").toUri(), "train.freeze=[conv1, bn1]", "train.lrMultipliers={head: 0.5}",
                "train.epochs=1", "train.maxRounds=4", "train.evaluateAtEnd=false"));
        o.addAll(List.of(more));
        return o.toArray(String[]::new);
    }

    private static float[] layerValues(CheckpointStore.Loaded l, String layer, boolean buffers) {
        io.sparkcnn.model.graph.ParameterLayout.Layer at = io.sparkcnn.model.graph.ParameterLayout.of(l.checkpoint().network()).layer(layer);
        float[] all = buffers ? l.checkpoint().buffers() : l.checkpoint().params();
        List<Float> out = new ArrayList<>();
        for (var r : buffers ? at.buffers() : at.params()) for (int i = 0; i < r.length(); i++) out.add(all[r.offset() + i]);
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) a[i] = out.get(i);
        return a;
    }

    private CheckpointStore.Loaded newest(String run) {
        return new CheckpointStore(tmp.resolve(run).toUri().toString(), sc.hadoopConfiguration()).newest().orElseThrow();
    }

    @Test
    void fineTunesANewHeadOnAFrozenPretrainedBackboneAndResumesBitForBit() throws IOException {
        train(config("pre", "model.file=" + bnNetwork(4), "train.maxRounds=3", "train.evaluateAtEnd=false"), false);
        CheckpointStore.Loaded pre = newest("pre");

        train(config("ft-whole", fineTune()), false);
        String report = Files.readString(tmp.resolve("ft-whole").resolve(TrainJob.INIT_REPORT));
        assertTrue(report.contains("\"copied\" : [ \"conv1\", \"bn1\", \"conv2\" ]"), report);
        assertTrue(report.contains("\"layer\" : \"head\"") && report.contains("\"checkpointShape\" : \"dense params [4x144, 4]\"")
                && report.contains("\"networkShape\" : \"dense params [6x144, 6]\""), report);
        CheckpointStore.Loaded whole = newest("ft-whole");
        for (String frozen : List.of("conv1", "bn1")) {
            assertArrayEquals(layerValues(pre, frozen, false), layerValues(whole, frozen, false), frozen + " moved");
        }
        assertArrayEquals(layerValues(pre, "bn1", true), layerValues(whole, "bn1", true), "bn1's running statistics moved");
        assertEquals(6 * 144 + 6, layerValues(whole, "head", false).length);
        assertTrue(!java.util.Arrays.equals(layerValues(pre, "conv2", false), layerValues(whole, "conv2", false)), "conv2 trains");

        // stopped after 2 rounds and resumed: the same bits (train.initFrom is not applied again: conv2 would start over)
        train(config("ft-parts", fineTune("train.maxRounds=2")), false);
        train(config("ft-parts", fineTune()), true);
        assertArrayEquals(whole.checkpoint().params(), newest("ft-parts").checkpoint().params());
        assertArrayEquals(whole.checkpoint().buffers(), newest("ft-parts").checkpoint().buffers());

        // both aggregation modes through three workers' averaging: ParameterAveragingTest

        // refusals, named by setting, before anything is written
        java.util.function.Function<String[], String> refused = more -> assertThrows(ConfigException.class,
                () -> JobPlan.prepareTraining(config("ft-bad", fineTune(more)), sc.hadoopConfiguration())).key();
        assertEquals("train.initFrom", refused.apply(new String[] {"train.initFrom=" + tmp.resolve("nothing-here").toUri()}));
        assertEquals("train.initFrom", refused.apply(new String[] {"train.initFrom=" + bnNetwork(4).toUri()}));
        assertEquals("train.initFrom", refused.apply(new String[] {"train.initFrom=" + tmp.resolve("shards").toUri()}));
        assertEquals("train.freeze", refused.apply(new String[] {"train.freeze=[backbone]"}));
        assertEquals("train.lrMultipliers", refused.apply(new String[] {"train.lrMultipliers={fc: 0.1}"}));
        assertEquals("train.initSkip", refused.apply(new String[] {"train.initSkip=[fc]"}));
        assertTrue(!Files.exists(tmp.resolve("ft-bad")));
    }

    @Test
    void explainWritesAnOverlayPerImageOfASplitOrAFolderAndAnIndex() throws Exception {
        // a checkpoint of the tiny network's initial weights: explain needs weights, not good ones
        JobConfig cfg = config("explain", "explain.limit=5", "eval.batchSize=2");
        JobPlan plan = JobPlan.prepare(cfg, sc.hadoopConfiguration());
        float[] params, buffers;
        try (io.sparkcnn.model.graph.Network net = io.sparkcnn.model.graph.Network.build(plan.network(), 1,
                new io.sparkcnn.model.backend.cpu.CpuBackend(1), 0)) {
            net.initParams(3);
            params = net.params().clone();
            buffers = net.buffers().clone();
        }
        new CheckpointStore(tmp.resolve("explain").toUri().toString(), sc.hadoopConfiguration()).save(
                new io.sparkcnn.model.checkpoint.Checkpoint(plan.network(), "", "test", 3, java.util.Map.of("step", 1L), params,
                        buffers, io.sparkcnn.model.checkpoint.Checkpoint.NO_OPTIMIZER, 0, new float[0]), "", 1);
        io.sparkcnn.model.progress.JobConsole console = io.sparkcnn.model.progress.JobConsole.stderr("explain");

        // the first 5 rows of the test split, spread over 2 partitions in batches of 2
        Path out = Path.of(java.net.URI.create(ExplainJob.run(spark, plan, console)));
        assertEquals(tmp.resolve("explain/checkpoints/step-000000000001/explain-test"), out);
        List<String> index = Files.readAllLines(out.resolve(ExplainJob.INDEX));
        assertEquals(6, index.size(), String.join("\n", index));
        assertTrue(index.get(0).startsWith("file,key,label,predicted,"), index.get(0));
        for (int i = 0; i < 5; i++) {
            String[] f = index.get(1 + i).split(",");
            assertTrue(f[1].startsWith("test/"), f[1]);
            assertEquals(f[1].replace('/', '_') + ".png", f[0]);
            assertEquals(f[3], f[6], "the predicted class is explained");
            assertEquals("relu2", f[9], "the default layer of the tiny network: its one conv block's relu");
            io.sparkcnn.model.data.RgbImage png = new io.sparkcnn.model.data.ImageCodec().decode(Files.readAllBytes(out.resolve(f[0])))
                    .image();
            assertEquals(12, png.width());
            assertEquals(12, png.height());
        }
        try (var files = Files.list(out)) {
            assertEquals(5, files.filter(f -> f.getFileName().toString().endsWith(".png")).count());
        }

        // a folder of image files (a non-image beside them is skipped), one class explained for all, drawn twice the size
        Path images = tmp.resolve("explain-images/sub");
        Files.createDirectories(images);
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        io.sparkcnn.model.data.RgbImage[] drawn = new io.sparkcnn.model.data.RgbImage[3];
        for (int k = 0; k < 3; k++) {
            byte[] px = new byte[20 * 16 * 3];
            for (int i = 0; i < px.length; i++) px[i] = (byte) r.nextInt(256);
            drawn[k] = new io.sparkcnn.model.data.RgbImage(20, 16, px);
            Files.write(images.resolve("img" + k + ".png"), io.sparkcnn.model.data.ImageCodec.encodePng(drawn[k]));
        }
        Files.writeString(images.resolve("notes.txt"), "not an image");
        try (io.sparkcnn.model.graph.Network net = io.sparkcnn.model.graph.Network.build(plan.network(), 1,
                new io.sparkcnn.model.backend.cpu.CpuBackend(1), 0)) {
            net.setParams(params);
            net.setBuffers(buffers);
            io.sparkcnn.model.explain.GradCam cam = new io.sparkcnn.model.explain.GradCam(net, null);
            float[][] x = new float[3][net.inputSize()];
            for (int k = 0; k < 3; k++) plan.evalTransform().eval(drawn[k], x[k], 0);
            // a class the network does not predict for the first image: the job must explain the class asked for
            cam.run(x[0], 0, 1, null);
            int asked = (cam.predictedClass(0) + 1) % 4;
            Path folderOut = tmp.resolve("explain-folder-out");
            ExplainJob.run(spark, JobPlan.prepare(config("explain", "explain.images=" + tmp.resolve("explain-images").toUri(),
                    "explain.class=" + asked, "explain.scale=2", "explain.output=" + folderOut.toUri(), "eval.batchSize=2"),
                    sc.hadoopConfiguration()), console);
            List<String> folderIndex = Files.readAllLines(folderOut.resolve(ExplainJob.INDEX));
            assertEquals(4, folderIndex.size(), String.join("\n", folderIndex));
            for (int k = 0; k < 3; k++) {
                String[] f = folderIndex.get(1 + k).split(",");
                assertEquals("sub_img" + k + ".png", f[0]);
                assertEquals("sub/img" + k + ".png", f[1]);
                assertEquals("", f[2], "a file has no label");
                assertEquals(Integer.toString(asked), f[6]);
                // the same picture the engine draws for that image on its own
                cam.run(x[k], 0, 1, new int[] {asked});
                if (k == 0) assertTrue(cam.predictedClass(0) != asked && f[3].equals(Integer.toString(cam.predictedClass(0))));
                io.sparkcnn.model.data.RgbImage seen = io.sparkcnn.model.explain.HeatmapOverlay.enlarged(
                        plan.evalTransform().denormalised(x[k], 0), 2);
                io.sparkcnn.model.data.RgbImage expected = io.sparkcnn.model.explain.HeatmapOverlay.overlay(seen,
                        cam.heatmap(0, 24, 24), 0.5);
                io.sparkcnn.model.data.RgbImage written = new io.sparkcnn.model.data.ImageCodec().decode(
                        Files.readAllBytes(folderOut.resolve(f[0]))).image();
                assertEquals(24, written.width());
                assertEquals(24, written.height());
                int worst = 0;
                for (int i = 0; i < written.pixels().length; i++) {
                    worst = Math.max(worst, Math.abs((written.pixels()[i] & 0xff) - (expected.pixels()[i] & 0xff)));
                }
                assertTrue(worst <= 2, "image " + k + ": written and engine overlays differ by up to " + worst + " levels");
                assertEquals(cam.probability(0, asked), Double.parseDouble(f[8]), 1e-4);
            }
        }

        // a layer or class the network lacks is refused by name before any Spark work
        assertEquals("explain.layer", assertThrows(ConfigException.class, () -> ExplainJob.check(JobPlan.prepare(
                config("explain", "explain.layer=conv9"), sc.hadoopConfiguration()))).key());
        assertEquals("explain.class", assertThrows(ConfigException.class, () -> ExplainJob.check(JobPlan.prepare(
                config("explain", "explain.class=4"), sc.hadoopConfiguration()))).key());
        assertEquals("explain.method", assertThrows(ConfigException.class, () -> ExplainJob.check(JobPlan.prepare(
                config("explain", "explain.method=cam"), sc.hadoopConfiguration()))).key());
    }
}
