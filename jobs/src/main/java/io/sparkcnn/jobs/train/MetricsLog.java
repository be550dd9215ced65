package io.sparkcnn.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-round metrics as JSON lines under {@code <run.dir>/metrics/}: one file per driver
 * process, named after the first round it ran ({@code rounds-000000000001.jsonl}), so a
 * resumed run appends a file instead of needing append support from the file system. Each
 * line reaches the file system when it is written (hflush), so a killed driver loses no round
 * it logged.
 *
 * <p>On a checksummed file system (file:// is Hadoop's LocalFileSystem) the log is written
 * through the raw file system underneath: the checksummed stream keeps every byte in its own
 * buffers until 64 KiB have gathered, whatever hflush asks (its hflush is a plain flush that
 * stops at the checksum summer), so a killed driver left an empty file.
 *
 * <p>Object stores (s3a, gs, abfs in block mode) cannot flush an open file: an object appears only
 * when it is closed. There the log closes its file every {@link #SEGMENT_ROUNDS} rounds and goes on
 * in a new one named after the next round, so a killed driver loses at most the rounds of the open
 * segment; readers take every {@code rounds-*.jsonl} in name order, as they do after a resume.
 */
public final class MetricsLog implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Rounds per file where the file system cannot flush an open file. */
    static final int SEGMENT_ROUNDS = 10;
    private final FileSystem fs;
    private final Path dir;
    private FSDataOutputStream out;
    private Path file;
    private boolean flushes;
    private int roundsInFile;

    public MetricsLog(String runDir, long firstRound, Configuration conf) {
        try {
            dir = new Path(runDir, "metrics");
            FileSystem f = dir.getFileSystem(conf);
            f.mkdirs(dir);
            fs = f instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : f;
            open(firstRound);
            if (!flushes) {
                LOG.warn("the file system of {} cannot flush an open file: the metrics log goes to a new file every {} rounds, "
                        + "so a driver failure loses at most the rounds of the open one", file, SEGMENT_ROUNDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the metrics file under " + runDir, e);
        }
    }

    private void open(long firstRound) throws IOException {
        file = new Path(dir, String.format("rounds-%012d.jsonl", firstRound));
        fs.delete(new Path(dir, "." + file.getName() + ".crc"), false); // a checksum left by an older writer would not match
        out = fs.create(file, true);
        flushes = out.hasCapability(StreamCapabilities.HFLUSH);
        roundsInFile = 0;
    }

    /** The file being written now. */
    public Path file() { return file; }

    public void write(RoundMetrics m) {
        try {
            out.write(JSON.writeValueAsBytes(toMap(m)));
            out.write('\n');
            if (flushes) {
                out.hflush();
            } else if (++roundsInFile == SEGMENT_ROUNDS) {
                out.close(); // the segment becomes visible, whole
                open(m.round() + 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    static Map<String, Object> toMap(RoundMetrics m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("round", m.round());
        j.put("epoch", m.epoch() + 1);
        j.put("stepInEpoch", m.stepInEpoch());
        j.put("step", m.step());
        j.put("minibatches", m.steps());
        j.put("workers", m.workers());
        j.put("loss", Double.isFinite(m.loss()) ? m.loss() : null);
        j.put("learningRate", m.learningRate());
        j.put("examples", m.examples());
        j.put("examplesPerSecond", round1(m.examplesPerSecond()));
        j.put("roundMs", round1(m.roundMs()));
        j.put("broadcastMs", round1(m.broadcastMs()));
        j.put("computeMs", round1(m.computeMs()));
        j.put("aggregateMs", round1(m.aggregateMs()));
        j.put("averageMs", round1(m.averageMs()));
        List<Map<String, Object>> workers = new ArrayList<>();
        for (WorkerStats w : m.perWorker()) {
            Map<String, Object> wj = new LinkedHashMap<>();
            wj.put("worker", w.worker());
            wj.put("executor", w.executor());
            wj.put("attempt", w.attempt());
            wj.put("backend", w.backend());
            wj.put("device", w.device());
            wj.put("computeMs", round1(w.computeNanos() / 1e6));
            wj.put("broadcastFetchMs", round1(w.broadcastFetchNanos() / 1e6));
            wj.put("loss", Double.isFinite(w.meanLoss()) ? w.meanLoss() : null);
            workers.add(wj);
        }
        j.put("perWorker", workers);
        return j;
    }

    private static double round1(double v) { return Math.round(v * 10) / 10.0; }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + file, e);
        }
    }
}
