package io.sparkcnn.model.progress;

/**
 * Progress of countable work (Spark tasks, files) on a {@link JobConsole}: "what: done/total
 * units; elapsed, time left", redrawn on a terminal at every step and printed as a line at most
 * once every {@link JobConsole#LINE_EVERY_NANOS} elsewhere. Thread-safe: Spark reports tasks
 * on its listener thread.
 */
public final class CountProgress {
    private final JobConsole console;
    private final String what;
    private final String unit;
    private final long start;
    private long total;
    private long done;
    private long lastLine;

    public CountProgress(JobConsole console, String what, String unit) {
        this.console = console;
        this.what = what;
        this.unit = unit;
        this.start = console.nanos();
        this.lastLine = start;
    }

    public synchronized void addTotal(long n) { total += n; }

    public synchronized void addDone(long n) {
        done += n;
        long now = console.nanos();
        String line = what + ": " + done + "/" + total + " " + unit + "; " + Eta.elapsedAndLeft(done, total, now - start);
        if (console.terminal()) {
            console.redraw(line);
        } else if (now - lastLine >= JobConsole.LINE_EVERY_NANOS) {
            console.line(line);
            lastLine = now;
        }
    }

    public synchronized long done() { return done; }
}
