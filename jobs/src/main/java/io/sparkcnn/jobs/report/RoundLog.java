package io.sparkcnn.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's per-round metrics as MetricsLog wrote them: every {@code metrics/rounds-*.jsonl} (one per
 * driver process, and per segment on object stores), read in name order. A resumed run repeats the
 * rounds after its checkpoint, so the later file wins for a round both hold. The last line of a file
 * may be cut short by a killed driver and is skipped; a bad line anywhere else is an error naming
 * the file and line. Lines written before the learning rate was logged read as NaN there.
 */
public final class RoundLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One round: NaN where the line had no value (a non-finite loss, an older line without a learning rate);
     * workerArithmetic is each worker's "backend: device" as it reported it.
     */
    public record Round(long round, long epoch, long step, double loss, double learningRate, double examplesPerSecond,
                        double roundMs, double computeMs, Map<Integer, Double> workerComputeMs,
                        Map<Integer, String> workerArithmetic) {}

    /** One file's text and name, in the order the files are read. */
    public record File(String name, String text) {}

    private RoundLog() {}

    /** Every round under runDir/metrics on its file system; empty when there is no metrics folder. */
    public static List<Round> read(FileSystem fs, Path runDir) throws IOException {
        Path dir = new Path(runDir, "metrics");
        if (!fs.exists(dir)) return List.of();
        FileStatus[] all = fs.listStatus(dir, p -> p.getName().startsWith("rounds-") && p.getName().endsWith(".jsonl"));
        Arrays.sort(all, Comparator.comparing((FileStatus s) -> s.getPath().getName()));
        List<File> files = new ArrayList<>();
        for (FileStatus s : all) {
            try (InputStream in = fs.open(s.getPath())) {
                files.add(new File(s.getPath().toString(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        return parse(files);
    }

    /** The rounds of files given in reading order, ordered by round; a later file's round replaces an earlier one's. */
    public static List<Round> parse(List<File> files) {
        TreeMap<Long, Round> byRound = new TreeMap<>();
        for (File f : files) {
            String[] lines = f.text().split("\n", -1);
            int last = lines.length - 1;
            while (last >= 0 && lines[last].isBlank()) last--;
            for (int i = 0; i <= last; i++) {
                if (lines[i].isBlank()) continue;
                try {
                    Round r = round(JSON.readTree(lines[i]));
                    byRound.put(r.round(), r);
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    if (i == last) break; // a killed driver's half-written line
                    throw new IllegalArgumentException(f.name() + " line " + (i + 1) + ": not a round's metrics: "
                            + e.getMessage(), e);
                }
            }
        }
        return List.copyOf(byRound.values());
    }

    private static Round round(JsonNode j) {
        if (!j.isObject() || !j.hasNonNull("round")) throw new IllegalArgumentException("no \"round\" field");
        Map<Integer, Double> workers = new TreeMap<>();
        Map<Integer, String> arithmetic = new TreeMap<>();
        for (JsonNode w : j.path("perWorker")) {
            workers.put(w.path("worker").asInt(), number(w, "computeMs"));
            arithmetic.put(w.path("worker").asInt(), w.path("backend").asText() + ": " + w.path("device").asText());
        }
        return new Round(j.get("round").asLong(), j.path("epoch").asLong(), j.path("step").asLong(), number(j, "loss"),
                number(j, "learningRate"), number(j, "examplesPerSecond"), number(j, "roundMs"), number(j, "computeMs"),
                workers, arithmetic);
    }

    private static double number(JsonNode j, String field) {
        JsonNode v = j.get(field);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
