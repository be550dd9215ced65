package io.sparkcnn.jobs.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The training report of a run directory: one self-contained HTML page (docs/report.md), by
 * default {@code <run.dir>/report.html}, on any Hadoop file system. Written by {@code sparkcnn
 * report} and at the end of train and evaluate, where a failure only warns.
 */
public final class RunReport {
    private static final Logger LOG = LoggerFactory.getLogger(RunReport.class);
    public static final String FILE = "report.html";

    private RunReport() {}

    /** What was written: the page's path and how many images it holds. */
    public record Written(Path file, int images, long bytes) {}

    /** Renders runDir's report into out (empty: runDir/report.html); the file is replaced whole. */
    public static Written write(String runDir, String out, Configuration conf) throws IOException {
        RunInputs in = RunInputs.read(runDir, conf);
        String page = ReportPage.of(in);
        Path target = out == null || out.isEmpty() ? new Path(in.runDir(), FILE) : new Path(out);
        FileSystem fs = target.getFileSystem(conf);
        if (target.getParent() != null) fs.mkdirs(target.getParent());
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        io.sparkcnn.jobs.eval.CompleteFiles.write(fs, fs.makeQualified(target), bytes);
        return new Written(fs.makeQualified(target), ReportPage.imageCount(page), bytes.length);
    }

    /** The jobs' end: writes runDir's report, telling console where; a failure is a warning, never the job's failure. */
    public static void writeQuietly(String runDir, Configuration conf, Consumer<String> console) {
        try {
            Written w = write(runDir, "", conf);
            console.accept("report: " + w.file() + " (" + w.images() + " images)");
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("could not write the report of {}", runDir, e);
            console.accept("warning: could not write the report of " + runDir + ": " + e);
        }
    }
}
