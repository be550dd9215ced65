package io.sparkcnn.jobs.train;

import io.sparkcnn.model.progress.Eta;
import io.sparkcnn.model.progress.JobConsole;

/**
 * Training progress on the console, with the time left at the mean rate of the rounds this
 * process has run: on a terminal a bar redrawn every round; everywhere a line at the end of
 * each epoch and, inside a long epoch, one at least every {@link JobConsole#LINE_EVERY_NANOS}.
 */
public final class ConsoleProgress {
    private static final int WIDTH = 24;
    private final JobConsole console;
    private final long totalRounds;
    private final long stepsPerEpoch;
    private final int epochs;
    private final long firstRound;
    private final long startNanos;
    private long lastLineNanos;
    private long epochStartNanos;
    private double epochLossSum;
    private long epochBatches;
    private long epochExamples;

    /** @param startRound the last round done before this process started (0, or the resumed checkpoint's) */
    public ConsoleProgress(JobConsole console, long totalRounds, long stepsPerEpoch, int epochs, long startRound) {
        this.console = console;
        this.totalRounds = totalRounds;
        this.stepsPerEpoch = stepsPerEpoch;
        this.epochs = epochs;
        this.firstRound = startRound;
        this.startNanos = console.nanos();
        this.lastLineNanos = startNanos;
        this.epochStartNanos = startNanos;
    }

    public void update(RoundMetrics m) {
        long now = console.nanos();
        if (Double.isFinite(m.loss())) {
            epochLossSum += m.loss() * m.steps();
            epochBatches += m.steps();
        }
        epochExamples += m.examples();
        String time = Eta.elapsedAndLeft(m.round() - firstRound, totalRounds - firstRound, now - startNanos);
        boolean epochDone = m.stepInEpoch() + m.steps() >= stepsPerEpoch;
        if (epochDone) {
            double seconds = Math.max(1e-9, (now - epochStartNanos) / 1e9);
            console.line(String.format("epoch %d/%d done: loss %.4f, %.0f examples/s; round %d/%d, %s", m.epoch() + 1, epochs,
                    epochBatches == 0 ? Double.NaN : epochLossSum / epochBatches, epochExamples / seconds, m.round(),
                    totalRounds, time));
            epochStartNanos = now;
            epochLossSum = 0;
            epochBatches = 0;
            epochExamples = 0;
            lastLineNanos = now;
        } else if (!console.terminal() && now - lastLineNanos >= JobConsole.LINE_EVERY_NANOS) {
            console.line(String.format("epoch %d/%d, round %d/%d: loss %.4f, %.0f examples/s; %s", m.epoch() + 1, epochs,
                    m.round(), totalRounds, m.loss(), m.examplesPerSecond(), time));
            lastLineNanos = now;
        } else {
            int filled = (int) Math.min(WIDTH, WIDTH * m.round() / Math.max(1, totalRounds));
            console.redraw(String.format("epoch %d/%d [%s%s] round %d/%d loss %.4f %.0f ex/s; %s", m.epoch() + 1, epochs,
                    "#".repeat(filled), ".".repeat(WIDTH - filled), m.round(), totalRounds, m.loss(),
                    m.examplesPerSecond(), time));
        }
    }
}
