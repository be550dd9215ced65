package io.sparkcnn.model.progress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * What a job tells the person at the console: its phases and progress lines on one stream
 * (stderr; stdout stays for results scripts read), each prefixed with the time since the job
 * started. On a terminal a progress line is redrawn in place; elsewhere (a log, a pipe) only
 * the lines a job prints with {@link #line} appear. Everything also goes to the log at INFO,
 * so the run's log file holds the same story.
 */
public final class JobConsole {
    /** The longest a log (no terminal) goes without a progress line. */
    public static final long LINE_EVERY_NANOS = 60_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger("io.sparkcnn.console");
    private final String name;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long start;
    private boolean redrawn;

    /** @param terminal redraw progress in place (the stream is a terminal); @param clock nanoseconds */
    public JobConsole(String name, PrintStream out, boolean terminal, LongSupplier clock) {
        this.name = name;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** On stderr, redrawing progress when the process has a terminal. */
    public static JobConsole stderr(String name) {
        return new JobConsole(name, System.err, System.console() != null, System::nanoTime);
    }

    /** Nanoseconds since this console was made (the job's start). */
    public long elapsedNanos() { return clock.getAsLong() - start; }

    public long nanos() { return clock.getAsLong(); }

    public boolean terminal() { return terminal; }

    /** The start of a phase: "planning", "reading shards", "training", ... with what it works on. */
    public synchronized void phase(String phase, String detail) {
        line(detail == null || detail.isEmpty() ? phase : phase + ": " + detail);
    }

    /** A line that stays. */
    public synchronized void line(String text) {
        String s = prefix() + text;
        if (redrawn) out.print("\r\033[K");
        redrawn = false;
        out.println(s);
        out.flush();
        LOG.info("{}", s);
    }

    /** A progress line redrawn in place on a terminal, and dropped elsewhere (the job prints a {@link #line} now and then). */
    public synchronized void redraw(String text) {
        if (!terminal) return;
        out.print("\r\033[K" + prefix() + text);
        out.flush();
        redrawn = true;
    }

    private String prefix() {
        long s = Math.max(0, elapsedNanos()) / 1_000_000_000L;
        String t = s < 3600 ? String.format("%02d:%02d", s / 60, s % 60) : String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        return "[" + name + " " + t + "] ";
    }
}
