package io.sparkcnn.jobs.train;

import java.io.PrintStream;

/** A one-line progress bar on the console (local mode): epoch, round, loss, throughput. */
public final class ConsoleProgress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final long totalRounds;

    public ConsoleProgress(PrintStream out, long totalRounds) {
        this.out = out;
        this.totalRounds = totalRounds;
    }

    public void update(RoundMetrics m, int epochs) {
        int filled = (int) Math.min(WIDTH, WIDTH * m.round() / Math.max(1, totalRounds));
        out.printf("\r[%s%s] round %d/%d epoch %d/%d loss %.4f %.0f ex/s (compute %.0f ms, broadcast %.0f ms, aggregate %.0f ms)   ",
                "#".repeat(filled), ".".repeat(WIDTH - filled), m.round(), totalRounds, m.epoch() + 1, epochs,
                m.loss(), m.examplesPerSecond(), m.computeMs(), m.broadcastMs(), m.aggregateMs());
        if (m.round() >= totalRounds) out.println();
        out.flush();
    }

    public void finish() {
        out.println();
        out.flush();
    }
}
