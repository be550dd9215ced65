package io.sparkcnn.model.progress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EtaTest {
    private static final long S = 1_000_000_000L;

    @Test
    void timeLeftIsTheRemainingUnitsAtTheMeanRateSoFar() {
        assertEquals(30 * S, Eta.leftNanos(10, 40, 10 * S));
        assertEquals(0, Eta.leftNanos(40, 40, 100 * S));
        assertEquals(0, Eta.leftNanos(50, 40, 100 * S), "done past the total: nothing left, never negative");
        assertEquals(-1, Eta.leftNanos(0, 40, 5 * S), "nothing done yet: unknown");
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertEquals("0s", Eta.format(0));
        assertEquals("59s", Eta.format(59 * S));
        assertEquals("1m00s", Eta.format(60 * S));
        assertEquals("2m05s", Eta.format(125 * S));
        assertEquals("59m59s", Eta.format(3599 * S));
        assertEquals("1h00m", Eta.format(3600 * S));
        assertEquals("1h04m", Eta.format((3600 + 4 * 60 + 10) * S));
        assertEquals("26h40m", Eta.format(96_000 * S));
        assertEquals("?", Eta.format(-1));
    }

    @Test
    void aProgressLineGivesElapsedAndLeft() {
        assertEquals("2m00s elapsed, ~6m00s left", Eta.elapsedAndLeft(25, 100, 120 * S));
        assertEquals("3s elapsed, time left unknown", Eta.elapsedAndLeft(0, 100, 3 * S));
    }
}
