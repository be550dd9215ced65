package io.sparkcnn.model.progress;

/**
 * Time left at the mean rate so far, and durations the way a console line shows them
 * ({@code 8s}, {@code 2m05s}, {@code 1h04m}).
 */
public final class Eta {
    private Eta() {}

    /**
     * Nanoseconds left for {@code total - done} more units at the mean rate of the {@code done}
     * units that took {@code elapsedNanos}; -1 (unknown) before any unit is done.
     */
    public static long leftNanos(long done, long total, long elapsedNanos) {
        if (done <= 0 || elapsedNanos < 0) return -1;
        long remaining = Math.max(0, total - done);
        return (long) ((double) elapsedNanos / done * remaining);
    }

    /** A duration for a console line: seconds under a minute, minutes and seconds under an hour, else hours and minutes; "?" when negative (unknown). */
    public static String format(long nanos) {
        if (nanos < 0) return "?";
        long s = Math.round(nanos / 1e9);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format("%dm%02ds", s / 60, s % 60);
        long m = Math.round(nanos / 6e10);
        return String.format("%dh%02dm", m / 60, m % 60);
    }

    /** "2m05s elapsed, ~3m10s left" (or "left ?" before the first unit). */
    public static String elapsedAndLeft(long done, long total, long elapsedNanos) {
        long left = leftNanos(done, total, elapsedNanos);
        return format(elapsedNanos) + " elapsed, " + (left < 0 ? "time left unknown" : "~" + format(left) + " left");
    }
}
