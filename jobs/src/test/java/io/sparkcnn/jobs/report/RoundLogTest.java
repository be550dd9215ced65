package io.sparkcnn.jobs.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundLogTest {
    private static String line(long round, double loss, String more) {
        return "{\"round\":" + round + ",\"epoch\":1,\"stepInEpoch\":0,\"step\":" + (3 * round) + ",\"minibatches\":3,\"workers\":2,"
                + "\"loss\":" + loss + more + ",\"examples\":48,\"examplesPerSecond\":" + (100 + round) + ",\"roundMs\":50.0,"
                + "\"computeMs\":40.0,\"perWorker\":[{\"worker\":0,\"backend\":\"cpu\",\"device\":\"CPU, " + round + " threads\","
                + "\"computeMs\":" + (10 + round) + "},{\"worker\":1,\"computeMs\":" + (20 + round) + "}]}\n";
    }

    @Test
    void aResumedRunsLaterFileWinsForTheRoundsBothHoldAndRoundsComeInOrder() {
        // the first driver logged rounds 1..4 and was killed mid-line; the resumed one restarted from round 3's checkpoint
        String first = line(1, 2.0, "") + line(2, 1.8, "") + line(3, 1.7, "") + line(4, 1.6, "") + "{\"round\":5,\"epoch\":1,\"lo";
        String second = line(3, 1.5, ",\"learningRate\":0.05") + line(4, 1.4, ",\"learningRate\":0.04");
        List<RoundLog.Round> rounds = RoundLog.parse(List.of(new RoundLog.File("rounds-000000000001.jsonl", first),
                new RoundLog.File("rounds-000000000003.jsonl", second)));
        assertEquals(List.of(1L, 2L, 3L, 4L), rounds.stream().map(RoundLog.Round::round).toList());
        assertEquals(List.of(2.0, 1.8, 1.5, 1.4), rounds.stream().map(RoundLog.Round::loss).toList());
        assertTrue(Double.isNaN(rounds.get(0).learningRate()), "a line from before the learning rate was logged");
        assertEquals(0.04, rounds.get(3).learningRate());
        assertEquals(Map.of(0, 14.0, 1, 24.0), rounds.get(3).workerComputeMs());
        assertEquals("cpu: CPU, 4 threads", rounds.get(3).workerArithmetic().get(0));
        assertEquals(104.0, rounds.get(3).examplesPerSecond());
        assertEquals(12, rounds.get(3).step());
    }

    @Test
    void aNullLossIsNaNAndABadLineBeforeTheLastIsAnErrorNamingFileAndLine() {
        List<RoundLog.Round> r = RoundLog.parse(List.of(new RoundLog.File("a.jsonl", line(1, 1.0, "").replace("1.0,", "null,")
                + "\n\n")));
        assertEquals(1, r.size());
        assertTrue(Double.isNaN(r.get(0).loss()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoundLog.parse(List.of(
                new RoundLog.File("rounds-000000000001.jsonl", line(1, 1.0, "") + "{\"round\":2,\"lo\n" + line(3, 1.0, "")))));
        assertTrue(e.getMessage().startsWith("rounds-000000000001.jsonl line 2: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoundLog.parse(List.of(new RoundLog.File("b.jsonl",
                "{\"loss\":1}\n" + line(2, 1.0, "")))), "a line without a round");
    }
}
