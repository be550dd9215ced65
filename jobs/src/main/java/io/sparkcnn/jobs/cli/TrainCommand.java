package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.TrainJob;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", description = "Train with synchronous parameter (or gradient) averaging; checkpoints to run.dir.")
final class TrainCommand extends JobCommand {
    @Option(names = "--resume", description = "Continue from the newest complete checkpoint under run.dir (damaged ones are skipped).")
    boolean resume;

    @Override
    JobPlan plan(JobConfig cfg, Configuration hadoop) { return JobPlan.prepareTraining(cfg, hadoop); }

    @Override
    int run(SparkSession spark, JobPlan plan, JobConsole console) {
        TrainJob.Result r = TrainJob.run(spark, plan, resume, console);
        System.out.printf("trained to round %d (step %d, epoch %d); checkpoint %s%n", r.state().round(), r.state().step(),
                r.state().epoch(), r.checkpoint());
        if (r.evaluation() != null) Reports.printEvaluation(plan.config().string("data.evalSplit"), r.evaluation());
        if (r.segmentation() != null) Reports.printSegmentation(plan.config().string("data.evalSplit"), r.segmentation());
        if (r.detection() != null) Reports.printDetection(plan.config().string("data.evalSplit"), r.detection());
        if (r.video() != null) Reports.printVideo(plan.config().string("data.evalSplit"), r.video());
        return 0;
    }
}
