package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.ExplainJob;
import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "explain", description = "Grad-CAM (or CAM) heatmaps of a classification checkpoint blended over the images of explain.split or the folder explain.images: a PNG per image and explanations.csv (docs/explain.md).")
final class ExplainCommand extends JobCommand {
    @Option(names = "--layer", paramLabel = "NAME", description = "explain.layer: the layer to explain (default: the last conv block's output).")
    String layer;

    @Option(names = "--class", paramLabel = "C", description = "explain.class: the class to explain (default: each image's predicted class).")
    Integer explainClass;

    @Option(names = "--limit", paramLabel = "N", description = "explain.limit: images to explain (0: all).")
    Integer limit;

    @Option(names = "--out", paramLabel = "URI", description = "explain.output: the folder of the PNGs and explanations.csv.")
    String out;

    @Option(names = "--images", paramLabel = "URI", description = "explain.images: a folder of image files instead of a split.")
    String images;

    @Option(names = "--split", paramLabel = "SPLIT", description = "explain.split: the split to explain.")
    String split;

    @Option(names = "--method", paramLabel = "gradcam|cam", description = "explain.method.")
    String method;

    @Override
    public Integer call() {
        // the options are --set shorthands, after the --set ones so they win
        set("explain.layer", layer);
        set("explain.class", explainClass);
        set("explain.limit", limit);
        set("explain.output", out);
        set("explain.images", images);
        set("explain.split", split);
        set("explain.method", method);
        return super.call();
    }

    private void set(String key, Object value) {
        if (value != null) overrides.add(key + "=" + value);
    }

    /** The layer and class are checked with the other settings, before a Spark session exists. */
    @Override
    JobPlan plan(io.sparkcnn.jobs.config.JobConfig cfg, org.apache.hadoop.conf.Configuration hadoop) {
        JobPlan plan = super.plan(cfg, hadoop);
        ExplainJob.check(plan);
        return plan;
    }

    @Override
    int run(SparkSession spark, JobPlan plan, JobConsole console) {
        System.out.println("explanations written to " + ExplainJob.run(spark, plan, console));
        return 0;
    }
}
