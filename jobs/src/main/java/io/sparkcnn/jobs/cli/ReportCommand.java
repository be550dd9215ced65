package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.report.RunReport;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * A run directory's training report as one HTML page. One process, no Spark session (a SparkConf
 * only, for spark-submit's spark.hadoop.* settings): the run directory and the page are read and
 * written through Hadoop's file systems.
 */
@Command(name = "report",
        description = "Renders a run directory's training report: one self-contained HTML page with charts of loss, learning rate,"
                + " throughput and per-worker compute time over rounds, the evaluation metrics, confusion matrix and per-class"
                + " scores, Grad-CAM overlays, the settings and provenance (docs/report.md). Runs without Spark.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run directory (run.dir); any Hadoop URI.")
    String runDir;

    @Option(names = "--out", paramLabel = "FILE", description = "The page to write (a path or any Hadoop URI; default RUN_DIR/report.html).")
    String out;

    @Option(names = "--help", usageHelp = true, description = "Show this help.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Configuration hadoop = JobCommand.hadoopConf(new SparkConf());
        try {
            RunReport.Written w = RunReport.write(runDir, out, hadoop);
            spec.commandLine().getOut().printf("report of %s written to %s: %d images, %,d bytes%n", runDir, w.file(), w.images(),
                    w.bytes());
            return 0;
        } catch (FileNotFoundException e) {
            err.println("error: RUN_DIR: " + e.getMessage());
            return SparkCnn.CONFIG_ERROR;
        } catch (IOException | RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } finally {
            err.flush();
        }
    }
}
