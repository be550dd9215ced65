package io.sparkcnn.model.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * The {@code _manifest.json} written beside the shards after every committed run. It describes the
 * table version it was made from; readers wanting the exact shard list use {@link #shards()}.
 *
 * @param formatVersion manifest layout version ({@link #FORMAT_VERSION})
 * @param dataset       reader kind (imagenet, idx, ...)
 * @param task          target layout of the shards
 * @param createdAt     ISO-8601 UTC time the manifest was written
 * @param tableVersion  Delta table version the manifest describes
 * @param runSeq        prep run sequence number of that version
 * @param config        the options that made the shards (resize, encoding, seed, ...)
 * @param classes       class index to name
 * @param splits        rows per split and per class
 * @param stats         per split: per-channel mean/std of stored pixels scaled to [0,1]
 * @param shards        every live shard file
 * @param sources       every source file processed, with the size and mtime seen
 * @param rejects       summary of the rejects table
 * @param ledger        every source unit the version covers and its fingerprint, for the next run
 *                      (absent in older manifests)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int formatVersion,
        String dataset,
        Task task,
        String createdAt,
        long tableVersion,
        long runSeq,
        Map<String, String> config,
        Map<Integer, String> classes,
        Map<String, SplitCounts> splits,
        Map<String, ChannelStats> stats,
        List<Shard> shards,
        List<Source> sources,
        Rejects rejects,
        Ledger ledger) {

    /** A manifest without the unit ledger (older writers, tests that need no ledger). */
    public Manifest(int formatVersion, String dataset, Task task, String createdAt, long tableVersion, long runSeq,
                    Map<String, String> config, Map<Integer, String> classes, Map<String, SplitCounts> splits,
                    Map<String, ChannelStats> stats, List<Shard> shards, List<Source> sources, Rejects rejects) {
        this(formatVersion, dataset, task, createdAt, tableVersion, runSeq, config, classes, splits, stats, shards,
                sources, rejects, null);
    }

    /**
     * unit -> fingerprint of every source unit the table covers (rows or rejects), and the rejects table's
     * version (-1: none) when the manifest was written. While both tables are still at the manifest's
     * versions, this is what a scan of the tables would give: a rerun compares against it without Spark.
     */
    public record Ledger(long rejectsTableVersion, Map<String, String> units) {
    }

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "_manifest.json";

    /** Row count of a split, and per class index (absent for tasks without a class column). */
    public record SplitCounts(long rows, Map<Integer, Long> perClass) {
    }

    public record ChannelStats(double[] mean, double[] std, long pixels) {
    }

    /** A shard file: path relative to the output root, its split, rows, bytes and SHA-256 of its bytes. */
    public record Shard(String path, String split, long rows, long bytes, String sha256) {
    }

    /** A processed source file (relative path), its size and mtime (ms), and the unit it belongs to. */
    public record Source(String path, long size, long mtime, String unit) {
    }

    /** Total rejects, per stage, and where the table is (relative to the output root). */
    public record Rejects(long total, Map<String, Long> byStage, String table) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static Manifest read(InputStream in) throws IOException {
        return MAPPER.readValue(in, Manifest.class);
    }

    public void write(OutputStream out) throws IOException {
        MAPPER.writeValue(out, this);
    }

    public byte[] toBytes() throws IOException {
        return MAPPER.writeValueAsBytes(this);
    }
}
