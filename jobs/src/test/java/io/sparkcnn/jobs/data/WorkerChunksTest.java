package io.sparkcnn.jobs.data;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerChunksTest {

    @Test
    void chunksAreBalancedNonEmptyAndCoverEveryRow() {
        WorkerChunks c = new WorkerChunks(1003, 7, 10);
        long total = 0, min = Long.MAX_VALUE, max = 0;
        for (int w = 0; w < 7; w++) {
            long n = c.chunkRows(w);
            total += n;
            min = Math.min(min, n);
            max = Math.max(max, n);
            if (w > 0) assertEquals(c.chunkStart(w - 1) + c.chunkRows(w - 1), c.chunkStart(w));
        }
        assertEquals(1003, total);
        assertTrue(max - min <= 1, "sizes " + min + ".." + max);
        assertEquals(143 / 10, c.stepsPerEpoch());
    }

    @Test
    void workersRotateOverTheChunksFromEpochToEpoch() {
        WorkerChunks c = new WorkerChunks(100, 4, 5);
        for (int w = 0; w < 4; w++) {
            Set<Integer> seen = new HashSet<>();
            for (int e = 0; e < 4; e++) seen.add(c.chunkOf(w, e));
            assertEquals(4, seen.size());
        }
    }

    @Test
    void tooFewRowsForOneMinibatchPerWorkerIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WorkerChunks(30, 4, 8));
    }

    @Test
    void anEpochVisitsEveryRowOfTheChunkOnceInASeededOrder() {
        EpochOrder a = new EpochOrder(500, 1001, 64, EpochOrder.seedFor(1, 0, 3), true);
        EpochOrder again = new EpochOrder(500, 1001, 64, EpochOrder.seedFor(1, 0, 3), true);
        EpochOrder nextEpoch = new EpochOrder(500, 1001, 64, EpochOrder.seedFor(1, 1, 3), true);
        Set<Long> rows = new HashSet<>();
        StringBuilder orderA = new StringBuilder(), orderNext = new StringBuilder();
        for (long p = 0; p < 1001; p++) {
            rows.add(row(a, p));
            assertEquals(row(a, p), row(again, p));
            orderA.append(row(a, p)).append(',');
            orderNext.append(row(nextEpoch, p)).append(',');
        }
        assertEquals(1001, rows.size());
        assertTrue(rows.contains(500L) && rows.contains(1500L));
        assertNotEquals(orderA.toString(), orderNext.toString());
    }

    private static long row(EpochOrder o, long position) {
        int visit = o.visitOf(position);
        int block = o.blockAt(visit);
        return o.blockFirstRow(block) + o.rowOrder(block, true)[(int) (position - o.visitStart(visit))];
    }
}
