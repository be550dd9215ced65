package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.EvaluateJob;
import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(name = "evaluate", description = "Top-1, top-5 and the confusion matrix of a checkpoint on data.evalSplit; for segmentation per-class IoU, mIoU, pixel accuracy and the baseline; for video clip and video accuracy (top-1, top-5, per class); for detection the COCO box metrics (JSON beside the checkpoint).")
final class EvaluateCommand extends JobCommand {
    @Override
    int run(SparkSession spark, JobPlan plan, JobConsole console) {
        String split = plan.config().string("data.evalSplit");
        if (plan.task().kind() == Task.VIDEO) Reports.printVideo(split, EvaluateJob.runVideo(spark, plan, console));
        else if (plan.task().kind() == Task.DETECTION) Reports.printDetection(split, EvaluateJob.runDetection(spark, plan, console));
        else if (plan.task().kind() == Task.SEGMENTATION) Reports.printSegmentation(split, EvaluateJob.runSegmentation(spark, plan, console));
        else Reports.printEvaluation(split, EvaluateJob.run(spark, plan, console));
        return 0;
    }
}
