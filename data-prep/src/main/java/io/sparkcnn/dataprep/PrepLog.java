package io.sparkcnn.dataprep;

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
 * A prep run's full log: {@code prep-<kind>-<time>.log} in --log-dir, or by default in
 * {@code <output>.logs/} beside the output table. An output on another file system than the
 * local one (HDFS, S3) gets its log written to the local temporary directory and copied beside it
 * when the run ends.
 */
final class PrepLog {
    private static final Logger LOG = LoggerFactory.getLogger(PrepLog.class);
    private final java.nio.file.Path local;
    private final Path copyTo;

    private PrepLog(java.nio.file.Path local, Path copyTo) {
        this.local = local;
        this.copyTo = copyTo;
    }

    static PrepLog start(String output, String logDir, String kind, JobConsole console) {
        java.nio.file.Path dir;
        Path remoteDir = null;
        if (logDir != null) {
            dir = java.nio.file.Path.of(logDir);
        } else {
            String trimmed = output.replaceAll("/+$", "");
            URI uri = new Path(trimmed + ".logs").toUri();
            if (uri.getScheme() == null || "file".equals(uri.getScheme())) {
                dir = java.nio.file.Path.of(uri.getPath());
            } else {
                dir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "sparkcnn-logs");
                remoteDir = new Path(trimmed + ".logs");
            }
        }
        java.nio.file.Path file = LogFile.named(dir, "prep-" + kind);
        boolean routed = LogFile.routeTo(file, "sparkcnn-prep " + kind + " -> " + output);
        Path copyTo = routed && remoteDir != null ? new Path(remoteDir, file.getFileName().toString()) : null;
        if (routed) console.line("full log: " + (copyTo == null ? file : copyTo + " (when the run ends; until then " + file + ")"));
        return new PrepLog(file, copyTo);
    }

    /** Copies the log beside a remote output, with the session's Hadoop settings. */
    void finish(Configuration hadoop) {
        if (copyTo == null) return;
        try {
            FileSystem fs = copyTo.getFileSystem(hadoop);
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), copyTo);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not copy the log {} to {}: {}", local, copyTo, e.toString());
        }
    }
}
