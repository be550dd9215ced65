package io.sparkcnn.jobs.cli;

import io.sparkcnn.model.progress.LogFile;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log configuration the launchers ship (conf/log4j2.xml, in the jar as log4j2.xml), loaded
 * into a context of its own: Spark's INFO goes to the run's log file and not to the console,
 * WARN goes to both, and nothing is written to a file while the file is not named.
 */
class ShippedLogConfigTest {
    @TempDir
    Path tmp;
    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(realErr);
        System.clearProperty(LogFile.PROPERTY);
    }

    private LoggerContext shipped() throws URISyntaxException {
        URL config = getClass().getClassLoader().getResource("log4j2.xml");
        assertNotNull(config, "log4j2.xml is on the classpath (from conf/ through the jobs jar's resources)");
        LoggerContext ctx = new LoggerContext("shipped-" + System.nanoTime(), null, config.toURI());
        ctx.start();
        return ctx;
    }

    @Test
    void sparkInfoGoesToTheFileAndOnlyWarningsToTheConsole() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8)); // the console appender takes stderr as it starts
        LoggerContext ctx = shipped();
        try {
            Path file = tmp.resolve("run/logs/train.log");
            Files.createDirectories(file.getParent());
            System.setProperty(LogFile.PROPERTY, file.toString());
            Logger spark = ctx.getLogger("org.apache.spark.scheduler.DAGScheduler");
            spark.info("Submitting 2 missing tasks from ResultStage 7");
            ctx.getLogger("org.apache.hadoop.fs.FileSystem").info("a hadoop info line");
            spark.warn("Lost task 0.0 in stage 7.0");
            String log = Files.readString(file);
            String out = console.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("Submitting 2 missing tasks from ResultStage 7") && log.contains("a hadoop info line"), log);
            assertTrue(log.contains("Lost task 0.0 in stage 7.0"), log);
            assertFalse(out.contains("Submitting 2 missing tasks") || out.contains("a hadoop info line"), out);
            assertTrue(out.contains("WARN DAGScheduler: Lost task 0.0 in stage 7.0"), out);

            // a destroyed broadcast removed again by the ContextCleaner: the file keeps it, the console does not
            Logger blocks = ctx.getLogger("org.apache.spark.storage.BlockManager");
            blocks.warn("Asked to remove block broadcast_454, which does not exist");
            blocks.warn("Putting block rdd_3_1 failed");
            log = Files.readString(file);
            out = console.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("Asked to remove block broadcast_454"), log);
            assertFalse(out.contains("Asked to remove block"), out);
            assertTrue(out.contains("WARN BlockManager: Putting block rdd_3_1 failed"), "other block warnings still show: " + out);
        } finally {
            ctx.stop();
        }
    }

    @Test
    void noFileIsWrittenWhileNoneIsNamed() throws Exception {
        System.clearProperty(LogFile.PROPERTY);
        Path cwd = Path.of("").toAbsolutePath();
        LoggerContext ctx = shipped();
        try {
            ctx.getLogger("org.apache.spark.SparkContext").info("Running Spark version 4.2.0");
            try (var files = Files.list(cwd)) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("io.sparkcnn.log.file")),
                        "the unresolved file name must not become a file");
            }
        } finally {
            ctx.stop();
        }
    }
}
