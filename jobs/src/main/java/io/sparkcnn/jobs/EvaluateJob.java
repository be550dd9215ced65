package io.sparkcnn.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.BoxCounts;
import io.sparkcnn.jobs.data.BoxSurvey;
import io.sparkcnn.jobs.data.DetectionRows;
import io.sparkcnn.jobs.eval.DetectionEvaluation;
import io.sparkcnn.jobs.eval.DistributedScoring;
import io.sparkcnn.jobs.eval.EvalCounts;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.eval.SegmentationEvaluation;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.eval.TaskProgress;
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
            throw new IllegalStateException("a " + plan.task().kind() + " plan evaluates with runSegmentation or runDetection, not run");
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CheckpointStore store = new CheckpointStore(plan.config().string("run.dir"), sc.hadoopConfiguration());
        CheckpointStore.Loaded l = chosen(store, plan.config());
        requireNetwork(plan, l);
        return evaluate(spark, plan, store, l.dir(), l.checkpoint().params(), l.checkpoint().buffers(), console);
    }

    /**
     * Evaluates a segmentation checkpoint (eval.checkpoint, or the newest): per-class IoU, mean
     * IoU, category IoU and pixel accuracy over the whole split, with the all-background baseline.
     */
    public static SegmentationEvaluation runSegmentation(SparkSession spark, JobPlan plan, JobConsole console) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CheckpointStore store = new CheckpointStore(plan.config().string("run.dir"), sc.hadoopConfiguration());
        CheckpointStore.Loaded l = chosen(store, plan.config());
        requireNetwork(plan, l);
        return evaluateSegmentation(spark, plan, store, l.dir(), l.checkpoint().params(), l.checkpoint().buffers(), console);
    }

    /**
     * The executors fill the task's metrics, one accumulator per partition shipped as longs,
     * merged on the driver; the table goes to the console, evaluation-&lt;split&gt;.json and
     * .tsv into checkpointDir.
     */
    static SegmentationEvaluation evaluateSegmentation(SparkSession spark, JobPlan plan, CheckpointStore store,
                                                       Path checkpointDir, float[] params, float[] buffers, JobConsole console) {
        JobConfig cfg = plan.config();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String split = cfg.string("data.evalSplit");
        int partitions = cfg.integer("eval.partitions") > 0 ? cfg.integer("eval.partitions") : cfg.integer("train.workers");
        ScoringModel model = scoringModel(plan, params, buffers);
        sc.setJobGroup(cfg.string("run.name") + "-evaluate", cfg.string("run.name") + ": evaluate " + checkpointDir.getName()
                + " on '" + split + "'", false);
        try (TaskProgress progress = TaskProgress.start(sc, console, "evaluating")) {
            SplitIndex rows = plan.split(split, "data.evalSplit");
            console.phase("evaluating", String.format("%s on split '%s': %,d images in %d partitions", checkpointDir.getName(),
                    split, rows.rows(), partitions));
            DistributedScoring scoring = new DistributedScoring(sc, rows, plan.evalExamples(), partitions,
                    cfg.decimal("eval.blockHeapFraction"));
            int classes = cfg.integer("model.classes");
            SegmentationMetrics metrics = (SegmentationMetrics) scoring.evaluate(model, plan.task().kind(), classes);
            scoring.devices().forEach(console::line);
            SegmentationEvaluation e = new SegmentationEvaluation(metrics,
                    SegmentationEvaluation.classNames(plan.manifest().classes(), classes));
            Path json = new Path(checkpointDir, "evaluation-" + split + ".json");
            store.writeText(json, JSON.writeValueAsString(e.report(split, checkpointDir.toString())));
            store.writeText(new Path(checkpointDir, "evaluation-" + split + ".tsv"), e.tsv());
            console.line(String.format("evaluated %s on '%s': mIoU %.4f, pixel accuracy %.4f over %,d pixels; all-'%s'"
                            + " baseline mIoU %.4f (%s)", checkpointDir.getName(), split, e.scores().meanIou(),
                    e.scores().pixelAccuracy(), e.scores().countedPixels(), e.classNames().get(e.baselineClass()),
                    e.baseline().meanIou(), json));
            return e;
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        } catch (Exception ex) { // Spark's job failure is a checked SparkException, thrown undeclared
            rethrowBackendFailure(ex);
            throw ex;
        } finally {
            sc.clearJobGroup();
        }
    }

    /**
     * Evaluates a detection checkpoint (eval.checkpoint, or the newest) as cocoeval does for boxes:
     * the 12 COCO numbers and per-category AP over the whole split, in the stored images' pixels.
     */
    public static DetectionEvaluation runDetection(SparkSession spark, JobPlan plan, JobConsole console) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CheckpointStore store = new CheckpointStore(plan.config().string("run.dir"), sc.hadoopConfiguration());
        CheckpointStore.Loaded l = chosen(store, plan.config());
        requireNetwork(plan, l);
        return evaluateDetection(spark, plan, store, l.dir(), l.checkpoint().params(), l.checkpoint().buffers(), console);
    }

    /**
     * The executors match their images' detections (eval.detectionScoreThreshold, eval.detectionNmsIou,
     * eval.detectionsPerImage) against the stored objects; the driver accumulates the merged matches,
     * prints cocoeval's summary and the per-category table, and writes evaluation-&lt;split&gt;.json into
     * checkpointDir.
     */
    static DetectionEvaluation evaluateDetection(SparkSession spark, JobPlan plan, CheckpointStore store, Path checkpointDir,
                                                 float[] params, float[] buffers, JobConsole console) {
        JobConfig cfg = plan.config();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String split = cfg.string("data.evalSplit");
        int partitions = cfg.integer("eval.partitions") > 0 ? cfg.integer("eval.partitions") : cfg.integer("train.workers");
        ScoringModel model = scoringModel(plan, params, buffers);
        sc.setJobGroup(cfg.string("run.name") + "-evaluate", cfg.string("run.name") + ": evaluate " + checkpointDir.getName()
                + " on '" + split + "'", false);
        try (TaskProgress progress = TaskProgress.start(sc, console, "evaluating")) {
            SplitIndex rows = plan.split(split, "data.evalSplit");
            DetectionRows examples = (DetectionRows) plan.evalExamples();
            BoxCounts boxes = BoxSurvey.run(sc, rows, examples, partitions);
            console.line(boxes.describe(split));
            console.phase("evaluating", String.format("%s on split '%s': %,d images in %d partitions", checkpointDir.getName(),
                    split, rows.rows(), partitions));
            DistributedScoring scoring = new DistributedScoring(sc, rows, examples, partitions,
                    cfg.decimal("eval.blockHeapFraction"));
            CocoMatches matches = scoring.evaluateDetection(model, cfg.decimal("eval.detectionScoreThreshold"),
                    cfg.decimal("eval.detectionNmsIou"), cfg.integer("eval.detectionsPerImage"));
            scoring.devices().forEach(console::line);
            DetectionEvaluation e = new DetectionEvaluation(matches.accumulate(),
                    DetectionEvaluation.categories(plan.manifest().classes(), examples.detectionTask().classes()));
            Path json = new Path(checkpointDir, "evaluation-" + split + ".json");
            store.writeText(json, JSON.writeValueAsString(e.report(split, checkpointDir.toString(),
                    JSON.convertValue(boxes, java.util.Map.class))));
            console.line(String.format("evaluated %s on '%s': AP %.4f, AP50 %.4f over %,d images, %,d detections kept (%s)",
                    checkpointDir.getName(), split, e.stats()[0], e.stats()[1], rows.rows(), matches.detections(), json));
            return e;
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        } catch (Exception ex) { // Spark's job failure is a checked SparkException, thrown undeclared
            rethrowBackendFailure(ex);
            throw ex;
        } finally {
            sc.clearJobGroup();
        }
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
        JobConfig cfg = plan.config();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String split = cfg.string("data.evalSplit");
        int partitions = cfg.integer("eval.partitions") > 0 ? cfg.integer("eval.partitions") : cfg.integer("train.workers");
        ScoringModel model = scoringModel(plan, params, buffers);
        sc.setJobGroup(cfg.string("run.name") + "-evaluate", cfg.string("run.name") + ": evaluate " + checkpointDir.getName()
                + " on '" + split + "'", false);
        try (TaskProgress progress = TaskProgress.start(sc, console, "evaluating")) {
            SplitIndex rows = plan.split(split, "data.evalSplit");
            console.phase("evaluating", String.format("%s on split '%s': %,d rows in %d partitions", checkpointDir.getName(), split,
                    rows.rows(), partitions));
            DistributedScoring scoring = new DistributedScoring(sc, rows, plan.evalTransform(),
                    partitions, cfg.decimal("eval.blockHeapFraction"));
            Evaluation e = scoring.evaluate(model, cfg.integer("model.classes"));
            scoring.devices().forEach(console::line);
            Path out = new Path(checkpointDir, "evaluation-" + split + ".json");
            store.writeText(out, JSON.writeValueAsString(EvalCounts.report(e, split, checkpointDir.toString(),
                    plan.manifest().classes())));
            console.line(String.format("evaluated %s on '%s': top-1 %.4f, top-5 %.4f over %,d examples (%s)",
                    checkpointDir.getName(), split, e.accuracy(), e.top5Accuracy(), e.count(), out));
            return e;
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        } catch (Exception ex) { // Spark's job failure is a checked SparkException, thrown undeclared
            rethrowBackendFailure(ex);
            throw ex;
        } finally {
            sc.clearJobGroup();
        }
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
