package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.eval.DistributedScoring;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The predict job: scores every row of predict.split with a checkpoint and writes Parquet of
 * (key, label, predicted, top_classes, top_scores) to predict.output, or to
 * {@code predictions-<split>} in the checkpoint's directory.
 */
public final class PredictJob {
    private static final Logger LOG = LoggerFactory.getLogger(PredictJob.class);

    private PredictJob() {}

    /** Returns where the Parquet was written. */
    public static String run(SparkSession spark, JobPlan plan) {
        JobConfig cfg = plan.config();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CheckpointStore store = new CheckpointStore(cfg.string("run.dir"), sc.hadoopConfiguration());
        CheckpointStore.Loaded l = EvaluateJob.chosen(store, cfg);
        EvaluateJob.requireNetwork(plan, l);
        String split = cfg.string("predict.split");
        String out = cfg.string("predict.output").isEmpty()
                ? new Path(l.dir(), "predictions-" + split).toString() : cfg.string("predict.output");
        int partitions = cfg.integer("eval.partitions") > 0 ? cfg.integer("eval.partitions") : cfg.integer("train.workers");
        sc.setJobGroup(cfg.string("run.name") + "-predict", cfg.string("run.name") + ": predict '" + split + "' with "
                + l.dir().getName(), false);
        try {
            DistributedScoring scoring = new DistributedScoring(sc, plan.split(split, "predict.split"), plan.evalTransform(),
                    partitions, cfg.decimal("eval.blockHeapFraction"));
            scoring.predict(spark, EvaluateJob.scoringModel(plan, l.checkpoint().params(), l.checkpoint().buffers()),
                    cfg.integer("predict.topK")).write().mode(SaveMode.Overwrite).parquet(out);
        } finally {
            sc.clearJobGroup();
        }
        LOG.info("predictions of {} on '{}' written to {}", l.dir().getName(), split, out);
        return out;
    }
}
