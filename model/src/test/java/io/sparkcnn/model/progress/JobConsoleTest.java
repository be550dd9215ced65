package io.sparkcnn.model.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JobConsoleTest {
    private final long[] now = {5_000_000_000L};
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private JobConsole console(boolean terminal) {
        return new JobConsole("train", new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, () -> now[0]);
    }

    private String out() { return bytes.toString(StandardCharsets.UTF_8); }

    @Test
    void linesCarryTheTimeSinceTheJobStarted() {
        JobConsole c = console(false);
        c.phase("planning", "checking");
        now[0] += 75_000_000_000L;
        c.line("epoch 1/2 done");
        now[0] += 3600_000_000_000L;
        c.phase("evaluating", "");
        assertEquals("[train 00:00] planning: checking\n[train 01:15] epoch 1/2 done\n[train 1:01:15] evaluating\n", out());
    }

    @Test
    void withoutATerminalRedrawnProgressIsLeftOut() {
        JobConsole c = console(false);
        c.redraw("round 1/10");
        c.line("done");
        assertEquals("[train 00:00] done\n", out());
    }

    @Test
    void onATerminalProgressIsRedrawnInPlaceAndALineClearsIt() {
        JobConsole c = console(true);
        c.redraw("round 1/10");
        c.redraw("round 2/10");
        c.line("done");
        assertEquals("\r\033[K[train 00:00] round 1/10\r\033[K[train 00:00] round 2/10\r\033[K[train 00:00] done\n", out());
    }
}
