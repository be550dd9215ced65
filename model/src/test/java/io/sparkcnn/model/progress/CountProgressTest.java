package io.sparkcnn.model.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CountProgressTest {
    private static final long S = 1_000_000_000L;
    private final long[] now = {0};
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private CountProgress progress(boolean terminal) {
        JobConsole c = new JobConsole("prep", new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, () -> now[0]);
        return new CountProgress(c, "processing 1200 units", "tasks");
    }

    @Test
    void aLogGetsACountWithTheTimeLeftAtMostOnceAMinute() {
        CountProgress p = progress(false);
        p.addTotal(30);
        now[0] = 20 * S;
        p.addDone(5);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        now[0] = 60 * S;
        p.addDone(5);
        now[0] = 70 * S;
        p.addDone(5);
        assertEquals("[prep 01:00] processing 1200 units: 10/30 tasks; 1m00s elapsed, ~2m00s left\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTerminalSeesEveryStep() {
        CountProgress p = progress(true);
        p.addTotal(4);
        now[0] = 3 * S;
        p.addDone(1);
        assertEquals("\r\033[K[prep 00:03] processing 1200 units: 1/4 tasks; 3s elapsed, ~9s left",
                bytes.toString(StandardCharsets.UTF_8));
    }
}
