package io.sparkcnn.jobs.train;

import io.sparkcnn.model.progress.JobConsole;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 2 epochs of 10 minibatches in rounds of 5: 4 rounds, on a clock the test moves. */
class ConsoleProgressTest {
    private static final long S = 1_000_000_000L;
    private final long[] now = {0};
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private ConsoleProgress progress(boolean terminal, long startRound) {
        JobConsole console = new JobConsole("train", new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, () -> now[0]);
        return new ConsoleProgress(console, 4, 10, 2, startRound);
    }

    private static RoundMetrics round(long round, double loss) {
        long epoch = (round - 1) / 2, stepInEpoch = (round - 1) % 2 * 5;
        return new RoundMetrics(round, epoch, stepInEpoch, round * 5, 5, 2, loss, 0.01, 640, 64, 10_000, 1, 9_000, 999, 0,
                List.of());
    }

    private String out() { return bytes.toString(StandardCharsets.UTF_8); }

    @Test
    void aLogGetsALinePerEpochWithTheTimeLeft() {
        ConsoleProgress p = progress(false, 0);
        now[0] += 10 * S;
        p.update(round(1, 1.0));
        now[0] += 10 * S;
        p.update(round(2, 0.5));
        assertEquals("[train 00:20] epoch 1/2 done: loss 0.7500, 64 examples/s; round 2/4, 20s elapsed, ~20s left\n", out());
    }

    @Test
    void aLongEpochGetsALineEveryMinuteInALog() {
        ConsoleProgress p = progress(false, 0);
        now[0] += 30 * S;
        p.update(round(1, 1.0));
        assertEquals("", out(), "half a minute: no line yet");
        now[0] += 10 * S;
        p.update(round(2, 1.0));
        now[0] += 61 * S;
        p.update(round(3, 0.25));
        String[] lines = out().split("\n");
        assertEquals(2, lines.length, out());
        assertEquals("[train 01:41] epoch 2/2, round 3/4: loss 0.2500, 64 examples/s; 1m41s elapsed, ~34s left", lines[1]);
    }

    @Test
    void aResumedRunEstimatesFromTheRoundsItRan() {
        ConsoleProgress p = progress(false, 2); // resumed after round 2: rounds 3 and 4 are left
        now[0] += 50 * S;
        p.update(round(3, 0.4));
        now[0] += 50 * S;
        p.update(round(4, 0.2));
        assertTrue(out().endsWith("epoch 2/2 done: loss 0.3000, 13 examples/s; round 4/4, 1m40s elapsed, ~0s left\n"), out());
    }

    @Test
    void aTerminalGetsTheBarRedrawnEveryRound() {
        ConsoleProgress p = progress(true, 0);
        now[0] += 10 * S;
        p.update(round(1, 1.0));
        assertEquals("\r\033[K[train 00:10] epoch 1/2 [######..................] round 1/4 loss 1.0000 64 ex/s; 10s elapsed, ~30s left",
                out());
    }
}
