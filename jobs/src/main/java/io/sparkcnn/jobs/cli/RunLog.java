package io.sparkcnn.jobs.cli;

import io.sparkcnn.model.progress.JobConsole;
import io.sparkcnn.model.progress.LogFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;

/**
 * A job's full log in {@code <run.dir>/logs/<command>-<time>.log}. A run directory on the local
 * file system gets the file directly; on another file system (HDFS, S3) the log is written to
 * the local temporary directory and copied there when the job ends.
 */
final class RunLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);
    private final java.nio.file.Path local;
    private final Path copyTo;
    private final Configuration hadoop;

    private RunLog(java.nio.file.Path local, Path copyTo, Configuration hadoop) {
        this.local = local;
        this.copyTo = copyTo;
        this.hadoop = hadoop;
    }

    static RunLog start(String runDir, String command, Configuration hadoop, JobConsole console) {
        URI uri = new Path(runDir).toUri();
        boolean localDir = uri.getScheme() == null || "file".equals(uri.getScheme());
        java.nio.file.Path dir = localDir ? java.nio.file.Path.of(uri.getPath(), "logs")
                : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "sparkcnn-logs");
        java.nio.file.Path file = LogFile.named(dir, command);
        boolean routed = LogFile.routeTo(file, "sparkcnn " + command + " with run.dir " + runDir);
        Path copyTo = routed && !localDir ? new Path(new Path(runDir, "logs"), file.getFileName().toString()) : null;
        if (routed) console.line("full log: " + (copyTo == null ? file : copyTo + " (when the job ends; until then " + file + ")"));
        return new RunLog(file, copyTo, hadoop);
    }

    @Override
    public void close() {
        if (copyTo == null) return;
        try {
            FileSystem fs = copyTo.getFileSystem(hadoop);
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), copyTo);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not copy the log {} to {}: {}", local, copyTo, e.toString());
        }
    }
}
