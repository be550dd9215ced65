package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.data.RowExamples;
import io.sparkcnn.jobs.data.ShardRowReader;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.data.VideoRows;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.eval.VideoEvaluation;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.task.BadExampleException;
import io.sparkcnn.model.task.VideoMetrics;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Video classification through the same train, evaluate and predict jobs: task from the manifest, clips, stop/resume. */
class VideoTrainJobTest extends SharedSpark {
    private static final int CLIP = 3 * 3 * 12 * 12, CLIPS = 2;
    @TempDir
    static Path tmp;
    private String data;
    private Path network;

    @BeforeAll
    void writeData() throws IOException {
        data = TinyVideoShards.write(spark, tmp.resolve("shards").toUri().toString(), 48, 15);
        network = tmp.resolve("tiny3d.conf");
        Files.writeString(network, TinyVideoShards.networkConfig());
    }

    private JobConfig config(String run, String... more) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + tmp.resolve(run).toUri(), "data.path=" + data, "model.file=" + network,
                "model.input=[3, 3, 12, 12]", "model.classes=3", "train.workers=2", "train.batchSizePerWorker=6",
                "train.averagingFrequency=2", "train.epochs=6", "train.checkpointEvery=3", "train.keepCheckpoints=2",
                "trainer.learningRate=0.2", "trainer.momentum=0.9", "backend.kind=cpu", "data.shuffleBlockRows=12",
                "augment.frameStride=2", "augment.brightness=0.2", "eval.clipsPerVideo=" + CLIPS, "eval.batchSize=8",
                "train.progress=off", "train.evaluateAtEnd=false"));
        o.addAll(List.of(more));
        return JobConfig.load(null, o);
    }

    private TrainJob.Result train(JobConfig cfg, boolean resume) {
        return TrainJob.run(spark, JobPlan.prepareTraining(cfg, sc.hadoopConfiguration()), resume);
    }

    private CheckpointStore.Loaded newest(String run) {
        return new CheckpointStore(tmp.resolve(run).toUri().toString(), sc.hadoopConfiguration()).newest().orElseThrow();
    }

    @Test
    void thePlanTakesTheVideoTaskFromTheManifestAndRefusesWhatDoesNotFit() {
        JobPlan plan = JobPlan.prepare(config("plan"), sc.hadoopConfiguration());
        assertEquals(Task.VIDEO, plan.task().kind());
        assertEquals(CLIP, plan.trainExamples().inputSize(), "training: one clip per row");
        assertEquals(CLIPS * CLIP, plan.evalExamples().inputSize(), "evaluation: eval.clipsPerVideo clips per row");
        assertEquals(CLIPS, plan.evalExamples().targetSize());
        assertEquals(1, plan.network().heads().size(), "the task's softmax cross-entropy was added");

        ConfigException e = assertThrows(ConfigException.class,
                () -> JobPlan.prepare(config("bad", "augment.padCrop=2"), sc.hadoopConfiguration()));
        assertEquals("augment.padCrop", e.key());
        assertTrue(e.getMessage().contains("augment.frameStride"), e.getMessage());
        Path wrong = tmp.resolve("wrong.conf");
        try {
            Files.writeString(wrong, TinyVideoShards.networkConfig().replace("units = 3", "units = 5"));
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        e = assertThrows(ConfigException.class, () -> JobPlan.prepare(config("bad", "model.file=" + wrong), sc.hadoopConfiguration()));
        assertEquals("model.file", e.key());
        assertTrue(e.getMessage().contains("'logits'") && e.getMessage().contains("3 classes"), e.getMessage());
    }

    @Test
    void clipsKeepOneCropPerClipAreSeededAndBadClipsAreRefusedNamingTheRow() {
        JobPlan plan = JobPlan.prepare(config("rows", "augment.horizontalFlip=true"), sc.hadoopConfiguration());
        SplitIndex train = plan.trainingSplit();
        EncodedRows rows = new ShardRowReader(train, sc.hadoopConfiguration(), Task.VIDEO).read(0, 6);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(TinyVideoShards.FRAMES, rows.frames[i]);
            float[][] a = DetectionTrainJobTest.examples(plan.trainExamples(), rows, i, 77 + i);
            assertArrayEquals(a[0], DetectionTrainJobTest.examples(plan.trainExamples(), rows, i, 77 + i)[0], "seeded");
            assertEquals(rows.labels[i], (int) a[1][0]);
            float[][] e = DetectionTrainJobTest.examples(plan.evalExamples(), rows, i, -1);
            assertArrayEquals(new float[] {rows.labels[i], rows.labels[i]}, e[1]);
        }
        // colour jitter: one brightness factor for the whole clip (the same seed: the same frames and crop)
        JobPlan jitter = JobPlan.prepare(config("rows", "augment.brightness=0.3"), sc.hadoopConfiguration());
        JobPlan plain = JobPlan.prepare(config("rows", "augment.brightness=0"), sc.hadoopConfiguration());
        for (int i = 0; i < rows.size(); i++) {
            float[] j = DetectionTrainJobTest.examples(jitter.trainExamples(), rows, i, 9 + i)[0];
            float[] p = DetectionTrainJobTest.examples(plain.trainExamples(), rows, i, 9 + i)[0];
            double first = Double.NaN;
            for (int k = 0; k < CLIP; k++) {
                double vj = j[k] * 0.25 + 0.5, vp = p[k] * 0.25 + 0.5; // back to [0, 1] (manifest mean .5, std .25)
                if (vj > 0.999 || vp < 0.05) continue; // clamped at 1, or too dark to read a ratio
                if (Double.isNaN(first)) first = vj / vp;
                assertEquals(first, vj / vp, 1e-3, rows.keys[i] + " float " + k + " (frame " + k / (CLIP / 3 / 3) % 3 + ")");
            }
            assertTrue(Math.abs(first - 1) > 1e-4, rows.keys[i] + ": jitter changed nothing");
        }

        // a row of 2 stored frames, one of 10x10 frames, one whose payload is cut: each names its row
        EncodedRows bad = new EncodedRows(0, 3);
        String[] keys = {"train/x/short000001_000000_000010.mp4", "train/x/small000002_000000_000010.mp4",
                "train/x/cut00000003_000000_000010.mp4"};
        int[][] shape = {{2, 14}, {5, 10}, {5, 14}};
        for (int i = 0; i < 3; i++) {
            bad.keys[i] = keys[i];
            bad.frames[i] = shape[i][0];
            bad.heights[i] = bad.widths[i] = shape[i][1];
            bad.encodings[i] = ShardSchema.ENC_RAW;
            bad.images[i] = TinyVideoShards.pixels("train", i, shape[i][0], shape[i][1]);
        }
        bad.images[2] = java.util.Arrays.copyOf(bad.images[2], 100);
        String[] reasons = {"holds 2 frames, fewer than the 3", "frames are 10x10 (width x height), smaller than the network input 12x12",
                "clip payload does not decode: 100 bytes, but num_frames 5 raw RGB frames of 14x14 take 2940"};
        for (RowExamples ex : List.of(plan.trainExamples(), plan.evalExamples())) {
            for (int i = 0; i < 3; i++) {
                int row = i;
                BadExampleException x = assertThrows(BadExampleException.class,
                        () -> DetectionTrainJobTest.examples(ex, bad, row, ex == plan.trainExamples() ? 5 : -1));
                assertTrue(x.getMessage().contains(keys[i]) && x.getMessage().contains(reasons[i]), x.getMessage());
            }
        }
    }

    @Test
    void aClipThatDoesNotDecodeFailsTrainingNamingTheRow() throws IOException {
        String bad = TinyVideoShards.write(spark, tmp.resolve("bad-shards").toUri().toString(), 24, 3, 5,
                TinyVideoShards.Bad.TRUNCATED_PAYLOAD);
        Exception e = assertThrows(Exception.class, () -> train(config("bad-run", "data.path=" + bad, "train.epochs=1"), false));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) all.append(t.getMessage()).append('\n');
        assertTrue(all.toString().contains(TinyVideoShards.key("train", 5)) && all.toString().contains("does not decode"),
                all.toString());
    }

    /** The network of a run's newest checkpoint, one clip at a time. */
    private Network scoringNet(JobPlan plan, CheckpointStore.Loaded l) {
        return new ScoringModel(NetworkConfig.write(plan.network()), l.checkpoint().params(), l.checkpoint().buffers(), 1,
                BackendChoice.of(plan.config())).build(1, -1);
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : logits) max = Math.max(max, v);
        double[] p = new double[logits.length];
        for (int c = 0; c < p.length; c++) sum += p[c] = Math.exp(logits[c] - max);
        for (int c = 0; c < p.length; c++) p[c] /= sum;
        return p;
    }

    private static int argmax(double[] v) {
        int b = 0;
        for (int c = 1; c < v.length; c++) if (v[c] > v[b]) b = c;
        return b;
    }

    @Test
    void trainsEvaluatesClipAndVideoAccuracyAsCountedByHandAndPredictsPerVideo() {
        TrainJob.Result r = train(config("eval", "train.evaluateAtEnd=true", "eval.partitions=3"), false);
        VideoEvaluation e = r.video();
        assertEquals(null, r.evaluation());
        VideoMetrics m = e.metrics();
        assertEquals(15, m.videos());
        assertEquals(30, m.clips());

        // by hand: each test row's two clips through one network in this JVM, the video's softmax averaged
        JobPlan plan = JobPlan.prepare(config("eval"), sc.hadoopConfiguration());
        CheckpointStore.Loaded l = newest("eval");
        SplitIndex test = plan.split("test", "data.evalSplit");
        EncodedRows rows = new ShardRowReader(test, sc.hadoopConfiguration(), Task.VIDEO).read(0, (int) test.rows());
        VideoRows examples = (VideoRows) plan.evalExamples();
        int clipRight = 0, videoRight = 0;
        Map<String, double[]> videoScores = new HashMap<>();
        try (Network net = scoringNet(plan, l)) {
            float[] x = new float[examples.inputSize()], y = new float[CLIPS], clip = new float[CLIP], out = new float[3];
            for (int i = 0; i < rows.size(); i++) {
                examples.eval(rows, i, x, 0, y, 0);
                double[] mean = new double[3];
                for (int j = 0; j < CLIPS; j++) {
                    System.arraycopy(x, j * CLIP, clip, 0, CLIP);
                    net.setInput(clip, 0);
                    net.forward(false);
                    net.readOutput(out);
                    double[] p = softmax(out);
                    if (argmax(p) == rows.labels[i]) clipRight++;
                    for (int c = 0; c < 3; c++) mean[c] += p[c] / CLIPS;
                }
                if (argmax(mean) == rows.labels[i]) videoRight++;
                videoScores.put(rows.keys[i], mean);
            }
        }
        assertEquals(clipRight / 30.0, m.clipAccuracy(), 1e-12);
        assertEquals(videoRight / 15.0, m.videoAccuracy(), 1e-12);
        assertTrue(m.videoAccuracy() > 0.6, "learnt from time: video accuracy " + m.videoAccuracy() + "\n" + e.text());
        assertEquals(1.0, m.videoTop5Accuracy(), "3 classes: always in the top 5");
        assertTrue(e.text().contains("brightening"), e.text());
        String json;
        try {
            json = Files.readString(tmp.resolve("eval/checkpoints").resolve(l.dir().getName()).resolve("evaluation-test.json"));
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        assertTrue(json.contains("\"videoTop1\"") && json.contains("\"clipTop1\"") && json.contains("\"darkening\""), json);

        // evaluate on its own, in another number of partitions, scores the same clips and videos
        VideoEvaluation again = EvaluateJob.runVideo(spark, JobPlan.prepare(config("eval", "eval.partitions=2"),
                sc.hadoopConfiguration()), io.sparkcnn.model.progress.JobConsole.stderr("evaluate"));
        long[] a = m.toLongs(), b = again.metrics().toLongs();
        assertEquals(Double.longBitsToDouble(a[3]), Double.longBitsToDouble(b[3]), 1e-9, "loss sums");
        a[3] = b[3] = 0;
        assertArrayEquals(a, b);

        // predict: one row per video by youtube id and time range, the top classes of the mean softmax
        String out = PredictJob.run(spark, JobPlan.prepare(config("eval", "predict.topK=2"), sc.hadoopConfiguration()));
        List<Row> predicted = spark.read().parquet(out).collectAsList();
        assertEquals(15, predicted.size());
        for (Row p : predicted) {
            String key = p.getString(0);
            int i = Integer.parseInt(key.substring(key.lastIndexOf('/') + 4, key.lastIndexOf('/') + 12));
            assertEquals(TinyVideoShards.key("test", i), key);
            assertEquals(TinyVideoShards.youtubeId("test", i), p.getAs("youtube_id"));
            assertEquals(10 * i, (int) p.getAs("time_start"));
            assertEquals(10 * i + 10, (int) p.getAs("time_end"));
            assertEquals(TinyVideoShards.label(i), (int) p.getAs("label"));
            double[] mean = videoScores.get(key);
            List<Integer> top = p.getList(p.fieldIndex("top_classes"));
            List<Float> scores = p.getList(p.fieldIndex("top_scores"));
            List<String> names = p.getList(p.fieldIndex("top_labels"));
            assertEquals(2, top.size());
            assertEquals(argmax(mean), (int) top.get(0));
            assertEquals(argmax(mean), (int) p.getAs("predicted"));
            assertEquals(TinyVideoShards.NAMES.get(top.get(0)), names.get(0));
            for (int j = 0; j < 2; j++) assertEquals(mean[top.get(j)], scores.get(j), 1e-6, key);
            assertTrue(scores.get(0) >= scores.get(1));
        }
    }

    @Test
    void stoppingAndResumingGivesTheUninterruptedParametersBitForBit() {
        // 48 rows / (2 x 6) = 4 minibatches per epoch, k = 2: 2 rounds per epoch, 6 rounds
        train(config("whole", "train.epochs=3"), false);
        TrainJob.Result stopped = train(config("parts", "train.epochs=3", "train.maxRounds=4"), false);
        assertEquals(4, stopped.state().round());
        TrainJob.Result resumed = train(config("parts", "train.epochs=3"), true);
        assertEquals(6, resumed.state().round());
        assertArrayEquals(newest("whole").checkpoint().params(), newest("parts").checkpoint().params());
    }
}
