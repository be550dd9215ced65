package io.sparkcnn.jobs.report;

import io.sparkcnn.jobs.ExplainJob;
import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.eval.CompleteFiles;
import io.sparkcnn.jobs.eval.DistributedScoring;
import io.sparkcnn.jobs.eval.Explanations;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.eval.VideoEvaluation;
import io.sparkcnn.model.explain.ClassActivationMaps;
import io.sparkcnn.model.explain.ExplainLayers;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The report's Grad-CAM overlays: at the end of a classifier's evaluation, the first
 * report.gradcamImages rows of the evaluation split explained as the explain job does (its
 * default layer, the predicted class, in one small partition), written with explain's index to
 * {@code <run.dir>/report/gradcam/}, so that {@code sparkcnn report} embeds them without Spark.
 */
public final class GradCamSamples {
    /** Relative to the run directory. */
    public static final String FOLDER = "report/gradcam";

    private GradCamSamples() {}

    /** Writes the overlays and their index; returns how many (0 when the setting is 0). */
    public static int write(JavaSparkContext sc, JobPlan plan, SplitIndex rows, ScoringModel model) throws IOException {
        int n = plan.config().integer("report.gradcamImages");
        if (n == 0 || rows.rows() == 0) return 0;
        String layer = ExplainLayers.resolve(plan.network(), ""); // the last conv block: fails on a network without one
        Path dir = new Path(plan.config().string("run.dir"), FOLDER);
        FileSystem fs = dir.getFileSystem(sc.hadoopConfiguration());
        if (fs.exists(dir)) fs.delete(dir, true); // overlays of an older checkpoint would be mixed in
        Explanations.Settings settings = new Explanations.Settings(ClassActivationMaps.Method.GRADCAM, layer, -1, 0.5, 2,
                plan.evalTransform());
        List<Explanations.Entry> entries = new DistributedScoring(sc, rows.head(n), plan.evalExamples(), 1,
                plan.config().decimal("eval.blockHeapFraction")).explain(model, settings, dir.toString());
        Explanations.requireDistinctNames(entries);
        int classes = plan.config().integer("model.classes");
        CompleteFiles.write(fs, new Path(dir, ExplainJob.INDEX), Explanations.csv(entries,
                VideoEvaluation.names(plan.manifest().classes(), classes)).getBytes(StandardCharsets.UTF_8));
        return entries.size();
    }
}
