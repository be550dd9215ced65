package io.sparkcnn.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a driver kill must not lose: a child JVM logs N rounds through {@link MetricsLog} on
 * file:// (Hadoop's checksummed LocalFileSystem, as a local-mode run does), says so, and is
 * killed with SIGKILL before it closes the log; the file must hold the N complete lines.
 */
class MetricsLogKillTest {
    static final int ROUNDS = 7;
    static final String LOGGED = "logged ";

    @TempDir
    Path tmp;

    /** The child: logs the rounds, reports, then waits to be killed. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            int rounds = Integer.parseInt(args[1]);
            MetricsLog log = new MetricsLog(args[0], 1, new Configuration());
            for (int r = 1; r <= rounds; r++) log.write(round(r));
            System.out.println(LOGGED + rounds);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(10)); // never closes the log: the parent kills it first
        }
    }

    static RoundMetrics round(long r) {
        return new RoundMetrics(r, 0, r, r, 1, 2, 1.0 / r, 0.01, 16, 100, 10, 1, 8, 1, 0.1,
                List.of(new WorkerStats(0, "driver", 1, 1.0 / r, 8, 1000, 8_000_000, 0, null, "cpu", "CPU"),
                        new WorkerStats(1, "driver", 1, 1.0 / r, 8, 1000, 8_000_000, 0, null, "cpu", "CPU")));
    }

    @Test
    void everyRoundLoggedBeforeASigkillIsACompleteLineInTheFile() throws Exception {
        String runDir = tmp.resolve("run").toUri().toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, Child.class.getName(), runDir, Integer.toString(ROUNDS))
                .redirectErrorStream(true).start();
        List<String> said = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                said.add(line);
                if (line.equals(LOGGED + ROUNDS)) break;
            }
            assertTrue(said.contains(LOGGED + ROUNDS), "the child never logged its rounds: " + said);
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");

        Path file = tmp.resolve("run/metrics/rounds-000000000001.jsonl");
        String text = Files.readString(file);
        assertTrue(text.endsWith("\n"), "the last line is complete: " + text.length() + " bytes");
        List<String> lines = text.lines().toList();
        assertEquals(ROUNDS, lines.size(), text);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < ROUNDS; i++) {
            JsonNode n = json.readTree(lines.get(i));
            assertEquals(i + 1, n.get("round").asLong());
            assertEquals(2, n.get("perWorker").size());
        }
        // read back through Hadoop's file:// as a user's tools do: no stale checksum file in the way
        try (var in = new org.apache.hadoop.fs.Path(file.toUri()).getFileSystem(new Configuration())
                .open(new org.apache.hadoop.fs.Path(file.toUri()))) {
            assertEquals(text, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
