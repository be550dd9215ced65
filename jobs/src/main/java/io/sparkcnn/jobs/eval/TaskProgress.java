package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.progress.CountProgress;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Progress of the Spark tasks that run while it is open (evaluation, prediction), with the time left. */
public final class TaskProgress extends SparkListener implements AutoCloseable {
    private final JavaSparkContext sc;
    private final CountProgress progress;

    private TaskProgress(JavaSparkContext sc, CountProgress progress) {
        this.sc = sc;
        this.progress = progress;
    }

    public static TaskProgress start(JavaSparkContext sc, JobConsole console, String what) {
        TaskProgress p = new TaskProgress(sc, new CountProgress(console, what, "tasks"));
        sc.sc().addSparkListener(p);
        return p;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted stage) { progress.addTotal(stage.stageInfo().numTasks()); }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
        if (task.taskInfo().successful()) progress.addDone(1);
    }

    @Override
    public void close() { sc.sc().removeSparkListener(this); }
}
