package io.sparkcnn.jobs;

import io.sparkcnn.jobs.data.DetectionRows;
import io.sparkcnn.jobs.eval.DetectionEvaluation;
import io.sparkcnn.jobs.eval.ImageDetections;
import io.sparkcnn.model.detect.CocoResultsWriter;
import io.sparkcnn.model.detect.Detections;
import io.sparkcnn.model.metrics.CocoCategories;
import java.util.List;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.eval.DistributedScoring;
import io.sparkcnn.jobs.eval.TaskProgress;
import io.sparkcnn.model.data.SegmentationPngs;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The predict job: scores every row of predict.split with a checkpoint and writes Parquet of
 * (key, label, predicted, top_classes, top_scores) to predict.output, or to
 * {@code predictions-<split>} in the checkpoint's directory. For segmentation that folder
 * gets PNG masks instead: {@code trainIds/}, {@code labelIds/} (Cityscapes' 19 classes) and
 * with predict.overlay {@code overlay/}, one file per image named after its key's stem. For detection
 * it is one COCO results file, {@code detections-<split>.json} by default: every image's final
 * detections (eval.detection* settings) in the stored image's pixels with the original category ids.
 * For video it is Parquet of one row per video: (key, youtube_id, time_start, time_end, label, predicted,
 * top_classes, top_labels, top_scores), the scores the softmax averaged over eval.clipsPerVideo clips.
 */
public final class PredictJob {
    private PredictJob() {}

    /** Returns where the Parquet was written. */
    public static String run(SparkSession spark, JobPlan plan) {
        return run(spark, plan, JobConsole.stderr("predict"));
    }

    /** The same, telling the console its phases and progress. */
    public static String run(SparkSession spark, JobPlan plan, JobConsole console) {
        JobConfig cfg = plan.config();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CheckpointStore store = new CheckpointStore(cfg.string("run.dir"), sc.hadoopConfiguration());
        CheckpointStore.Loaded l = EvaluateJob.chosen(store, cfg);
        EvaluateJob.requireNetwork(plan, l);
        String split = cfg.string("predict.split");
        boolean detection = plan.task().kind() == Task.DETECTION;
        String out = cfg.string("predict.output").isEmpty()
                ? new Path(l.dir(), (detection ? "detections-" : "predictions-") + split + (detection ? ".json" : "")).toString()
                : cfg.string("predict.output");
        int partitions = cfg.integer("eval.partitions") > 0 ? cfg.integer("eval.partitions") : cfg.integer("train.workers");
        sc.setJobGroup(cfg.string("run.name") + "-predict", cfg.string("run.name") + ": predict '" + split + "' with "
                + l.dir().getName(), false);
        try (TaskProgress progress = TaskProgress.start(sc, console, "predicting")) {
            SplitIndex rows = plan.split(split, "predict.split");
            console.phase("predicting", String.format("%s on split '%s': %,d rows in %d partitions -> %s", l.dir().getName(),
                    split, rows.rows(), partitions, out));
            if (detection) {
                DetectionRows examples = (DetectionRows) plan.evalExamples();
                DistributedScoring scoring = new DistributedScoring(sc, rows, examples, partitions,
                        cfg.decimal("eval.blockHeapFraction"));
                List<ImageDetections> parts = scoring.predictDetections(
                        EvaluateJob.scoringModel(plan, l.checkpoint().params(), l.checkpoint().buffers()),
                        cfg.decimal("eval.detectionScoreThreshold"), cfg.decimal("eval.detectionNmsIou"),
                        cfg.integer("eval.detectionsPerImage"));
                CocoCategories categories = DetectionEvaluation.categories(plan.manifest().classes(),
                        examples.detectionTask().classes());
                long written = writeResults(new Path(out), sc.hadoopConfiguration(), parts, categories);
                console.line(String.format("%,d detections of %,d images of '%s' written to %s (COCO results file, the"
                        + " dataset's category ids)", written, rows.rows(), split, out));
                return out;
            }
            if (plan.task().kind() == Task.SEGMENTATION) {
                DistributedScoring scoring = new DistributedScoring(sc, rows, plan.evalExamples(), partitions,
                        cfg.decimal("eval.blockHeapFraction"));
                long n = scoring.predictMasks(EvaluateJob.scoringModel(plan, l.checkpoint().params(), l.checkpoint().buffers()),
                        plan.task().kind(), cfg.integer("model.classes"), out, cfg.bool("predict.overlay"),
                        cfg.decimal("predict.overlayAlpha"));
                console.line(String.format("%,d masks of '%s' written to %s/{%s,%s%s}", n, split, out, SegmentationPngs.TRAIN_IDS,
                        SegmentationPngs.LABEL_IDS, cfg.bool("predict.overlay") ? "," + SegmentationPngs.OVERLAY : ""));
                return out;
            }
            if (plan.task().kind() == Task.VIDEO) {
                DistributedScoring scoring = new DistributedScoring(sc, rows, plan.evalExamples(), partitions,
                        cfg.decimal("eval.blockHeapFraction"));
                scoring.predictVideos(spark, EvaluateJob.scoringModel(plan, l.checkpoint().params(), l.checkpoint().buffers()),
                        cfg.integer("predict.topK"), io.sparkcnn.jobs.eval.VideoEvaluation.names(plan.manifest().classes(),
                                plan.task().classes())).write().mode(SaveMode.Overwrite).parquet(out);
                console.line(String.format("predictions of %,d videos of '%s' (%d clips each) written to %s", rows.rows(), split,
                        cfg.integer("eval.clipsPerVideo"), out));
                return out;
            }
            DistributedScoring scoring = new DistributedScoring(sc, rows, plan.evalTransform(),
                    partitions, cfg.decimal("eval.blockHeapFraction"));
            scoring.predict(spark, EvaluateJob.scoringModel(plan, l.checkpoint().params(), l.checkpoint().buffers()),
                    cfg.integer("predict.topK")).write().mode(SaveMode.Overwrite).parquet(out);
        } catch (Exception e) { // Spark's job failure is a checked SparkException, thrown undeclared
            EvaluateJob.rethrowBackendFailure(e);
            throw e;
        } finally {
            sc.clearJobGroup();
        }
        console.line("predictions of " + l.dir().getName() + " on '" + split + "' written to " + out);
        return out;
    }

    /** A COCO results file ([{image_id, category_id, bbox, score}]) of the images in partition order; returns the detections. */
    static long writeResults(Path file, org.apache.hadoop.conf.Configuration hadoop, List<ImageDetections> parts,
                             CocoCategories categories) {
        try (CocoResultsWriter w = new CocoResultsWriter(file.getFileSystem(hadoop).create(file, true), categories)) {
            Detections d = new Detections();
            for (ImageDetections part : parts) {
                for (int i = 0, first = 0; i < part.images(); first += part.counts()[i], i++) {
                    part.image(i, first, d);
                    w.write(part.ids()[i], d);
                }
            }
            return w.written();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("writing " + file, e);
        }
    }
}
