package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.eval.CompleteFiles;
import io.sparkcnn.jobs.eval.DistributedScoring;
import io.sparkcnn.jobs.eval.Explanations;
import io.sparkcnn.jobs.eval.ImageFolderExplanations;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.eval.TaskProgress;
import io.sparkcnn.jobs.eval.VideoEvaluation;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.explain.Cam;
import io.sparkcnn.model.explain.ClassActivationMaps;
import io.sparkcnn.model.explain.ExplainLayers;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The explain job: Grad-CAM (or CAM) heatmaps of a classification checkpoint, blended over
 * the images, one PNG per image, for the first explain.limit rows of explain.split or files of
 * explain.images, spread over the executors as predict is; an {@code explanations.csv} index
 * (file, key, label, predicted class and score, explained class and score, layer) beside them,
 * in explain.output or {@code explain-<split>} in the checkpoint's directory.
 */
public final class ExplainJob {
    public static final String INDEX = "explanations.csv";

    private ExplainJob() {}

    /**
     * Checks what explain needs before any Spark work: a classifier, a layer the method can
     * explain, a class the network has. Returns the resolved layer; failures name the setting.
     */
    public static String check(JobPlan plan) {
        JobConfig cfg = plan.config();
        if (plan.task().kind() != Task.CLASSIFICATION) {
            throw new ConfigException("data.path", "explain explains classifiers; the shards at " + plan.dataRoot() + " are for "
                    + plan.task().kind());
        }
        int classes = cfg.integer("model.classes"), explainClass = cfg.integer("explain.class");
        if (explainClass >= classes) {
            throw new ConfigException("explain.class", explainClass + ", but the network has " + classes + " classes (0.."
                    + (classes - 1) + "; -1 explains the predicted class)");
        }
        return layer(plan.network(), method(cfg), cfg.string("explain.layer"));
    }

    private static ClassActivationMaps.Method method(JobConfig cfg) {
        return ClassActivationMaps.Method.valueOf(cfg.string("explain.method").toUpperCase(Locale.ROOT));
    }

    /** Returns the output folder. */
    public static String run(SparkSession spark, JobPlan plan, JobConsole console) {
        String layer = check(plan);
        JobConfig cfg = plan.config();
        ClassActivationMaps.Method method = method(cfg);
        int classes = cfg.integer("model.classes"), explainClass = cfg.integer("explain.class");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CheckpointStore store = new CheckpointStore(cfg.string("run.dir"), sc.hadoopConfiguration());
        CheckpointStore.Loaded l = EvaluateJob.chosen(store, cfg);
        EvaluateJob.requireNetwork(plan, l);
        String folder = cfg.string("explain.images"), split = cfg.string("explain.split");
        String out = cfg.string("explain.output").isEmpty()
                ? new Path(l.dir(), folder.isEmpty() ? "explain-" + split : "explain-images").toString()
                : cfg.string("explain.output");
        int limit = cfg.integer("explain.limit");
        int partitions = cfg.integer("eval.partitions") > 0 ? cfg.integer("eval.partitions") : cfg.integer("train.workers");
        Explanations.Settings settings = new Explanations.Settings(method, layer, explainClass, cfg.decimal("explain.alpha"),
                cfg.integer("explain.scale"), plan.evalTransform());
        ScoringModel model = EvaluateJob.scoringModel(plan, l.checkpoint().params(), l.checkpoint().buffers());
        String what = (method == ClassActivationMaps.Method.CAM ? "CAM" : "Grad-CAM") + " of layer '" + layer + "' for "
                + (explainClass < 0 ? "the predicted class" : "class " + explainClass);
        sc.setJobGroup(cfg.string("run.name") + "-explain", cfg.string("run.name") + ": explain with " + l.dir().getName(), false);
        List<Explanations.Entry> entries;
        try (TaskProgress progress = TaskProgress.start(sc, console, "explaining")) {
            if (folder.isEmpty()) {
                SplitIndex rows = plan.split(split, "explain.split");
                SplitIndex chosen = limit > 0 ? rows.head(limit) : rows;
                console.phase("explaining", String.format("%s, %s: %,d rows of split '%s' in %d partitions -> %s",
                        l.dir().getName(), what, chosen.rows(), split, partitions, out));
                entries = new DistributedScoring(sc, chosen, plan.evalExamples(), partitions,
                        cfg.decimal("eval.blockHeapFraction")).explain(model, settings, out);
            } else {
                List<String> files = files(folder, sc, limit);
                console.phase("explaining", String.format("%s, %s: %,d images of %s in %d partitions -> %s",
                        l.dir().getName(), what, files.size(), folder, partitions, out));
                entries = ImageFolderExplanations.run(sc, folder, files, partitions, model, settings, out);
            }
        } catch (Exception e) { // Spark's job failure is a checked SparkException, thrown undeclared
            EvaluateJob.rethrowBackendFailure(e);
            throw e;
        } finally {
            sc.clearJobGroup();
        }
        Explanations.requireDistinctNames(entries);
        Path index = new Path(out, INDEX);
        try {
            CompleteFiles.write(index.getFileSystem(sc.hadoopConfiguration()), index, Explanations.csv(entries,
                    VideoEvaluation.names(plan.manifest().classes(), classes)).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + index, e);
        }
        console.line(String.format("%,d explanations (%s) written to %s, indexed in %s", entries.size(), what, out, INDEX));
        return out;
    }

    /** The layer the method explains, checked on the driver; a wrong one fails naming explain.layer. */
    static String layer(NetworkSpec network, ClassActivationMaps.Method method, String named) {
        try {
            return method == ClassActivationMaps.Method.CAM ? Cam.pooledLayer(network, named) : ExplainLayers.resolve(network, named);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(method == ClassActivationMaps.Method.CAM && named.isEmpty() ? "explain.method" : "explain.layer",
                    e.getMessage());
        }
    }

    private static List<String> files(String folder, JavaSparkContext sc, int limit) {
        List<String> files;
        try {
            files = ImageFolderExplanations.list(folder, sc.hadoopConfiguration(), limit);
        } catch (IOException e) {
            throw new ConfigException("explain.images", "cannot list " + folder + ": " + e.getMessage());
        }
        if (files.isEmpty()) throw new ConfigException("explain.images", "no image files (png, jpg, bmp, gif) under " + folder);
        return files;
    }
}
