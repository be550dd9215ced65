package io.sparkcnn.model.progress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The file that gets a process's full log. The shipped log configuration (conf/log4j2.xml)
 * writes every INFO line to the file the system property {@value #PROPERTY} names, choosing it
 * per event, so setting the property is all it takes; a process under another log
 * configuration (tests, a user's own) keeps its own and {@link #routeTo} says so.
 */
public final class LogFile {
    public static final String PROPERTY = "io.sparkcnn.log.file";
    private static final Logger LOG = LoggerFactory.getLogger(LogFile.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private LogFile() {}

    /** {@code <dir>/<what>-<UTC time>.log}. */
    public static Path named(Path dir, String what) {
        return dir.resolve(what + "-" + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + ".log");
    }

    /**
     * Sends the full log to file from now on and writes firstLine into it.
     *
     * @return true when the file receives the log (the shipped configuration is in use)
     */
    public static boolean routeTo(Path file, String firstLine) {
        Path dir = file.toAbsolutePath().getParent();
        boolean made = !Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log directory for " + file, e);
        }
        System.setProperty(PROPERTY, file.toAbsolutePath().toString());
        LOG.info("{}", firstLine);
        if (Files.exists(file)) return true;
        try { // another log configuration is in use: leave no empty directory behind
            if (made) Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // not empty after all: someone else's files, keep it
        }
        return false;
    }
}
