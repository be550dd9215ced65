package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.PredictJob;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(name = "predict", description = "Parquet of key, predicted class and top-k scores for every row of predict.split; for segmentation trainId, labelId (and overlay) PNGs per image; for detection a COCO results json.")
final class PredictCommand extends JobCommand {
    @Override
    int run(SparkSession spark, JobPlan plan, JobConsole console) {
        System.out.println("predictions written to " + PredictJob.run(spark, plan, console));
        return 0;
    }
}
