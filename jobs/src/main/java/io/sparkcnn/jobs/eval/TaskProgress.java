package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.progress.Eta;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress of the Spark tasks that run while it is open (evaluation, prediction): tasks done
 * of those submitted, elapsed time and time left, redrawn on a terminal and printed at most
 * once a minute elsewhere. Listener events arrive on Spark's listener thread.
 */
public final class TaskProgress extends SparkListener implements AutoCloseable {
    private final JavaSparkContext sc;
    private final JobConsole console;
    private final String what;
    private final long start;
    private long submitted;
    private long done;
    private long lastLine;

    private TaskProgress(JavaSparkContext sc, JobConsole console, String what) {
        this.sc = sc;
        this.console = console;
        this.what = what;
        this.start = console.nanos();
        this.lastLine = start;
    }

    public static TaskProgress start(JavaSparkContext sc, JobConsole console, String what) {
        TaskProgress p = new TaskProgress(sc, console, what);
        sc.sc().addSparkListener(p);
        return p;
    }

    @Override
    public synchronized void onStageSubmitted(SparkListenerStageSubmitted stage) {
        submitted += stage.stageInfo().numTasks();
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd task) {
        if (!task.taskInfo().successful()) return;
        done++;
        long now = console.nanos();
        String line = what + ": " + done + "/" + submitted + " tasks; " + Eta.elapsedAndLeft(done, submitted, now - start);
        if (console.terminal()) {
            console.redraw(line);
        } else if (now - lastLine >= io.sparkcnn.jobs.train.ConsoleProgress.LINE_EVERY_NANOS) {
            console.line(line);
            lastLine = now;
        }
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(this);
    }
}
