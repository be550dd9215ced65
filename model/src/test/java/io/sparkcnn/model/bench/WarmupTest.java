package io.sparkcnn.model.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupTest {
    @Test
    void runsExactlyTheCallsWhenNoTimeIsAsked() {
        AtomicInteger calls = new AtomicInteger();
        Warmup.calls(3).run(calls::incrementAndGet);
        assertEquals(3, calls.get());
        Warmup.forRound(5, 2).run(calls::incrementAndGet);
        assertEquals(4, calls.get(), "later rounds warm up with one call");
    }

    @Test
    void keepsCallingUntilItsTimeIsFilled() {
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        new Warmup(1, 0.05).run(calls::incrementAndGet);
        assertTrue((System.nanoTime() - start) * 1e-9 >= 0.05, "returned before its 50 ms");
        assertTrue(calls.get() > 1, "one call of a body that takes no time cannot fill 50 ms");
        assertEquals(Warmup.FIRST_ROUND_SECONDS, Warmup.forRound(2, 0).seconds());
    }
}
