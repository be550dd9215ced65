package io.sparkcnn.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.BoxCounts;
import io.sparkcnn.jobs.data.BoxSurvey;
import io.sparkcnn.jobs.data.DetectionRows;
import io.sparkcnn.jobs.data.RowExamples;
import io.sparkcnn.jobs.eval.DetectionEvaluation;
import io.sparkcnn.jobs.eval.DistributedScoring;
import io.sparkcnn.jobs.eval.EvalCounts;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.eval.SegmentationEvaluation;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.eval.TaskProgress;
import io.sparkcnn.jobs.eval.VideoEvaluation;
import io.sparkcnn.jobs.report.GradCamSamples;
import io.sparkcnn.jobs.report.RunReport;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.jobs.train.BackendFailedException;
import io.sparkcnn.model.checkpoint.CheckpointException;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.metrics.CocoMatches;
import io.sparkcnn.model.task.SegmentationMetrics;
import io.sparkcnn.model.progress.JobConsole;
import io.sparkcnn.model.train.Evaluation;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The evaluate job: top-1, top-5, mean loss and the confusion matrix of a checkpoint on the
 * evaluation split, computed on the executors, written as {@code evaluation-<split>.json}
 * in the checkpoint's directory.
 */
public final class EvaluateJob {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvaluateJob() {}

    /** Evaluates the checkpoint eval.checkpoint names, or the newest complete one under run.dir. */
    public static Evaluation run(SparkSession spark, JobPlan plan) {
        return run(spark, plan, JobConsole.stderr("evaluate"));
    }

    /** The same, telling the console its phases and progress. */
    public static Evaluation run(SparkSession spark, JobPlan plan, JobConsole console) {
        if (plan.task().kind() != Task.CLASSIFICATION) {
            throw new IllegalStateException("a " + plan.task().kind() + " plan evaluates with runSegmentation, runDetection"
                    + " or runVideo, not run");
        }
        return reported(onChosenCheckpoint(spark, plan, console, EvaluateJob::evaluate), spark, plan, console);
    }

    /**
     * Evaluates a segmentation checkpoint (eval.checkpoint, or the newest): per-class IoU, mean
     * IoU, category IoU and pixel accuracy over the whole split, with the all-background baseline.
     */
    public static SegmentationEvaluation runSegmentation(SparkSession spark, JobPlan plan, JobConsole console) {
        return reported(onChosenCheckpoint(spark, plan, console, EvaluateJob::evaluateSegmentation), spark, plan, console);
    }

    /**
     * Evaluates a detection checkpoint (eval.checkpoint, or the newest) as cocoeval does for boxes:
     * the 12 COCO numbers and per-category AP over the whole split, in the stored images' pixels.
     */
    public static DetectionEvaluation runDetection(SparkSession spark, JobPlan plan, JobConsole console) {
        return reported(onChosenCheckpoint(spark, plan, console, EvaluateJob::evaluateDetection), spark, plan, console);
    }

    /**
     * Evaluates a video checkpoint (eval.checkpoint, or the newest): clip and video accuracy (the softmax
     * of eval.clipsPerVideo clips averaged per video), top-1 and top-5, per class, over the whole split.
     */
    public static VideoEvaluation runVideo(SparkSession spark, JobPlan plan, JobConsole console) {
        return reported(onChosenCheckpoint(spark, plan, console, EvaluateJob::evaluateVideo), spark, plan, console);
    }

    /** One task's evaluation of given weights (what the train job calls at the end, and evaluate on a stored checkpoint). */
    @FunctionalInterface
    interface WeightsEvaluation<T> {
        T evaluate(SparkSession spark, JobPlan plan, CheckpointStore store, Path checkpointDir, float[] params,
                   float[] buffers, JobConsole console);
    }

    private static <T> T onChosenCheckpoint(SparkSession spark, JobPlan plan, JobConsole console, WeightsEvaluation<T> how) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CheckpointStore store = new CheckpointStore(plan.config().string("run.dir"), sc.hadoopConfiguration());
        CheckpointStore.Loaded l = chosen(store, plan.config());
        requireNetwork(plan, l);
        return how.evaluate(spark, plan, store, l.dir(), l.checkpoint().params(), l.checkpoint().buffers(), console);
    }

    /** What every task's evaluation has set up for it: the split, its rows, the model to score with. */
    private record SplitRun(JobConfig cfg, JavaSparkContext sc, CheckpointStore store, Path checkpointDir, String split,
                            int partitions, SplitIndex rows, ScoringModel model, JobConsole console) {
        DistributedScoring scoring(RowExamples examples) {
            return new DistributedScoring(sc, rows, examples, partitions, cfg.decimal("eval.blockHeapFraction"));
        }

        void phase(String unit) {
            console.phase("evaluating", String.format("%s on split '%s': %,d %s in %d partitions", checkpointDir.getName(),
                    split, rows.rows(), unit, partitions));
        }

        /** Writes the report beside the checkpoint, evaluation-&lt;split&gt;&lt;suffix&gt;; returns its path. */
        Path write(String suffix, String text) throws IOException {
            Path out = new Path(checkpointDir, "evaluation-" + split + suffix);
            store.writeText(out, text);
            return out;
        }
    }

    @FunctionalInterface
    private interface SplitScoring<T> {
        T score(SplitRun run) throws IOException;
    }

    /**
     * The skeleton of every evaluation: a Spark job group named after the run, the task-progress
     * line on the console, a backend the executors could not build reported as backend.kind.
     */
    private static <T> T scoreSplit(SparkSession spark, JobPlan plan, CheckpointStore store, Path checkpointDir,
                                    float[] params, float[] buffers, JobConsole console, SplitScoring<T> body) {
        JobConfig cfg = plan.config();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String split = cfg.string("data.evalSplit");
        int partitions = cfg.integer("eval.partitions") > 0 ? cfg.integer("eval.partitions") : cfg.integer("train.workers");
        ScoringModel model = scoringModel(plan, params, buffers);
        sc.setJobGroup(cfg.string("run.name") + "-evaluate", cfg.string("run.name") + ": evaluate " + checkpointDir.getName()
                + " on '" + split + "'", false);
        try (TaskProgress progress = TaskProgress.start(sc, console, "evaluating")) {
            SplitIndex rows = plan.split(split, "data.evalSplit");
            return body.score(new SplitRun(cfg, sc, store, checkpointDir, split, partitions, rows, model, console));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (Exception ex) { // Spark's job failure is a checked SparkException, thrown undeclared
            rethrowBackendFailure(ex);
            throw ex;
        } finally {
            sc.clearJobGroup();
        }
    }

    /**
     * The executors fill the task's metrics, one accumulator per partition shipped as longs,
     * merged on the driver; the table goes to the console, evaluation-&lt;split&gt;.json and
     * .tsv into checkpointDir.
     */
    static SegmentationEvaluation evaluateSegmentation(SparkSession spark, JobPlan plan, CheckpointStore store,
                                                       Path checkpointDir, float[] params, float[] buffers, JobConsole console) {
        return scoreSplit(spark, plan, store, checkpointDir, params, buffers, console, r -> {
            r.phase("images");
            int classes = r.cfg().integer("model.classes");
            DistributedScoring scoring = r.scoring(plan.evalExamples());
            SegmentationMetrics metrics = (SegmentationMetrics) scoring.evaluate(r.model(), plan.task().kind(), classes);
            scoring.devices().forEach(console::line);
            SegmentationEvaluation e = new SegmentationEvaluation(metrics,
                    SegmentationEvaluation.classNames(plan.manifest().classes(), classes));
            Path json = r.write(".json", JSON.writeValueAsString(e.report(r.split(), checkpointDir.toString())));
            r.write(".tsv", e.tsv());
            console.line(String.format("evaluated %s on '%s': mIoU %.4f, pixel accuracy %.4f over %,d pixels; all-'%s'"
                            + " baseline mIoU %.4f (%s)", checkpointDir.getName(), r.split(), e.scores().meanIou(),
                    e.scores().pixelAccuracy(), e.scores().countedPixels(), e.classNames().get(e.baselineClass()),
                    e.baseline().meanIou(), json));
            return e;
        });
    }

    /**
     * The executors match their images' detections (eval.detectionScoreThreshold, eval.detectionNmsIou,
     * eval.detectionsPerImage) against the stored objects; the driver accumulates the merged matches,
     * prints cocoeval's summary and the per-category table, and writes evaluation-&lt;split&gt;.json into
     * checkpointDir.
     */
    static DetectionEvaluation evaluateDetection(SparkSession spark, JobPlan plan, CheckpointStore store, Path checkpointDir,
                                                 float[] params, float[] buffers, JobConsole console) {
        return scoreSplit(spark, plan, store, checkpointDir, params, buffers, console, r -> {
            DetectionRows examples = (DetectionRows) plan.evalExamples();
            BoxCounts boxes = BoxSurvey.run(r.sc(), r.rows(), examples, r.partitions());
            console.line(boxes.describe(r.split()));
            r.phase("images");
            DistributedScoring scoring = r.scoring(examples);
            JobConfig cfg = r.cfg();
            CocoMatches matches = scoring.evaluateDetection(r.model(), cfg.decimal("eval.detectionScoreThreshold"),
                    cfg.decimal("eval.detectionNmsIou"), cfg.integer("eval.detectionsPerImage"));
            scoring.devices().forEach(console::line);
            DetectionEvaluation e = new DetectionEvaluation(matches.accumulate(),
                    DetectionEvaluation.categories(plan.manifest().classes(), examples.detectionTask().classes()));
            Path json = r.write(".json", JSON.writeValueAsString(e.report(r.split(), checkpointDir.toString(),
                    JSON.convertValue(boxes, java.util.Map.class))));
            console.line(String.format("evaluated %s on '%s': AP %.4f, AP50 %.4f over %,d images, %,d detections kept (%s)",
                    checkpointDir.getName(), r.split(), e.stats()[0], e.stats()[1], r.rows().rows(), matches.detections(), json));
            return e;
        });
    }

    /**
     * The executors score every video's clips; the driver merges clip and video accuracy, prints them
     * and writes evaluation-&lt;split&gt;.json (with the per-class table) into checkpointDir.
     */
    static VideoEvaluation evaluateVideo(SparkSession spark, JobPlan plan, CheckpointStore store, Path checkpointDir,
                                         float[] params, float[] buffers, JobConsole console) {
        return scoreSplit(spark, plan, store, checkpointDir, params, buffers, console, r -> {
            r.phase("videos");
            DistributedScoring scoring = r.scoring(plan.evalExamples());
            io.sparkcnn.model.task.VideoMetrics m = scoring.evaluateVideo(r.model());
            scoring.devices().forEach(console::line);
            VideoEvaluation e = new VideoEvaluation(m, VideoEvaluation.names(plan.manifest().classes(), m.classes()));
            Path json = r.write(".json", JSON.writeValueAsString(e.report(r.split(), checkpointDir.toString())));
            console.line(String.format("evaluated %s on '%s': video top-1 %.4f, top-5 %.4f over %,d videos; clip top-1 %.4f,"
                    + " top-5 %.4f over %,d clips (%d per video) (%s)", checkpointDir.getName(), r.split(), m.videoAccuracy(),
                    m.videoTop5Accuracy(), m.videos(), m.clipAccuracy(), m.clipTop5Accuracy(), m.clips(), m.clipsPerVideo(), json));
            return e;
        });
    }

    static CheckpointStore.Loaded chosen(CheckpointStore store, JobConfig cfg) {
        String named = cfg.string("eval.checkpoint");
        CheckpointStore.Loaded l;
        if (named.isEmpty()) {
            l = store.newest().orElseThrow(() -> new ConfigException("eval.checkpoint",
                    "no complete checkpoint under " + store.root() + "; train first or name one"));
        } else {
            try {
                l = store.load(new Path(named));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("eval.checkpoint", "cannot read checkpoint " + named + ": " + e.getMessage());
            }
        }
        return l;
    }

    /** Evaluates these weights of plan's network and writes the JSON report into checkpointDir. */
    static Evaluation evaluate(SparkSession spark, JobPlan plan, CheckpointStore store, Path checkpointDir,
                               float[] params, float[] buffers, JobConsole console) {
        return scoreSplit(spark, plan, store, checkpointDir, params, buffers, console, r -> {
            r.phase("rows");
            DistributedScoring scoring = new DistributedScoring(r.sc(), r.rows(), plan.evalTransform(),
                    r.partitions(), r.cfg().decimal("eval.blockHeapFraction"));
            Evaluation e = scoring.evaluate(r.model(), r.cfg().integer("model.classes"));
            scoring.devices().forEach(console::line);
            Path out = r.write(".json", JSON.writeValueAsString(EvalCounts.report(e, r.split(), checkpointDir.toString(),
                    plan.manifest().classes())));
            console.line(String.format("evaluated %s on '%s': top-1 %.4f, top-5 %.4f over %,d examples (%s)",
                    checkpointDir.getName(), r.split(), e.accuracy(), e.top5Accuracy(), e.count(), out));
            reportGradCam(r.sc(), plan, r.rows(), r.model(), console);
            return e;
        });
    }

    /** The report's Grad-CAM overlays (report.gradcamImages); a failure warns, the evaluation stands. */
    private static void reportGradCam(JavaSparkContext sc, JobPlan plan, SplitIndex rows, ScoringModel model, JobConsole console) {
        try {
            int n = GradCamSamples.write(sc, plan, rows, model);
            if (n > 0) console.line(n + " Grad-CAM overlays for the report in " + GradCamSamples.FOLDER);
        } catch (IOException | RuntimeException e) {
            LOG.warn("no Grad-CAM overlays for the report", e);
            console.line("warning: no Grad-CAM overlays for the report: " + e.getMessage());
        }
    }

    /** The run's report, after an evaluation on its own (the train job writes its own at its end). */
    private static <T> T reported(T evaluation, SparkSession spark, JobPlan plan, JobConsole console) {
        RunReport.writeQuietly(plan.config().string("run.dir"), spark.sparkContext().hadoopConfiguration(), console::line);
        return evaluation;
    }

    static ScoringModel scoringModel(JobPlan plan, float[] params, float[] buffers) {
        JobConfig cfg = plan.config();
        return new ScoringModel(NetworkConfig.write(plan.network()), params, buffers, cfg.integer("eval.batchSize"),
                BackendChoice.of(cfg));
    }

    /** Throws a ConfigException naming backend.kind when ex says the executors could not build the model. */
    static void rethrowBackendFailure(Exception ex) {
        if (ex instanceof ConfigException) return;
        java.util.Optional<String> m = BackendFailedException.messageIn(ex);
        if (m.isPresent()) {
            LOG.error("the executors could not build the model on their backend", ex);
            throw new ConfigException("backend.kind", m.get());
        }
    }

    /** Fails unless the checkpoint was made for the plan's network. */
    static void requireNetwork(JobPlan plan, CheckpointStore.Loaded l) {
        try {
            l.checkpoint().requireSameNetwork(plan.network(), l.dir().toString());
        } catch (CheckpointException e) {
            throw new ConfigException("model.zoo", e.getMessage());
        }
    }
}
