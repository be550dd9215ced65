package io.sparkcnn.dataprep;

import io.sparkcnn.model.progress.CountProgress;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Progress of the Spark tasks that run while it is open (processing the units), with the time left. */
final class TaskProgress extends SparkListener implements AutoCloseable {
    private final SparkContext sc;
    private final CountProgress progress;
    private boolean open = true;

    private TaskProgress(SparkContext sc, CountProgress progress) {
        this.sc = sc;
        this.progress = progress;
    }

    static TaskProgress start(SparkContext sc, JobConsole console, String what) {
        TaskProgress p = new TaskProgress(sc, new CountProgress(console, what, "tasks"));
        sc.addSparkListener(p);
        return p;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted stage) { progress.addTotal(stage.stageInfo().numTasks()); }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
        if (task.taskInfo().successful()) progress.addDone(1);
    }

    @Override
    public synchronized void close() {
        if (open) sc.removeSparkListener(this);
        open = false;
    }
}
