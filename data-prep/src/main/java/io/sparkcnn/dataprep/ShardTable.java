package io.sparkcnn.dataprep;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ShardSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.SetTransaction;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The shard table (Delta Lake at the output root) and the rejects table ({@code _rejects/} beside it).
 *
 * <p>Commit protocol of one run N: (1) shard table: drop rows of replaced units, append run N's
 * rows, in ONE Delta commit tagged with the transaction (appId, N): the run's commit point;
 * (2) rejects table: drop rejects of replaced units, append run N's rejects, tagged (appId, N) too.
 * So the rejects table only ever holds rejects of committed runs: a run that stops before (1), on
 * the reject threshold or killed, leaves both tables as they were. A run killed between (1) and (2)
 * leaves shard rows whose run_seq is above the rejects table's last transaction: the next run
 * treats their units as unfinished and redoes them (rows and rejects), so nothing is lost or
 * doubled. Both writes carry txnAppId/txnVersion, so a repeated commit of run N is skipped by Delta.
 */
public final class ShardTable {
    static final String APP_ID = "sparkcnn-prep";
    public static final String REJECTS_DIR = "_rejects";
    /** Rejects of the last run stopped by the reject threshold (plain Parquet, for inspection; removed by the next commit). */
    public static final String FAILED_REJECTS_DIR = "_rejects_of_failed_run";
    /** Fingerprint in the ledger of a unit whose run committed its rows but not its rejects. */
    static final String UNFINISHED = "unfinished";

    private final SparkSession spark;
    private final String shardsPath;
    private final String rejectsPath;

    public ShardTable(SparkSession spark, String output) {
        this.spark = spark;
        String o = output.replaceAll("/+$", "");
        this.shardsPath = o;
        this.rejectsPath = o + "/" + REJECTS_DIR;
    }

    public String shardsPath() {
        return shardsPath;
    }

    public String rejectsPath() {
        return rejectsPath;
    }

    public boolean exists() {
        return DeltaTable.isDeltaTable(spark, shardsPath);
    }

    boolean rejectsExist() {
        // not DeltaTable.isDeltaTable: below the shard table it reads _rejects as a partition path and throws
        // when a run without rejects has not created the rejects table
        org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(rejectsPath, "_delta_log");
        try {
            return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + log, e);
        }
    }

    private Snapshot snapshot() {
        return snapshot(shardsPath);
    }

    private Snapshot snapshot(String path) {
        Tuple2<DeltaLog, Snapshot> t = DeltaLog.forTableWithSnapshot(spark, path);
        return t._2();
    }

    /** The last sparkcnn-prep transaction of a table, -1 when it has none. */
    private long lastTxn(String path) {
        for (SetTransaction t : CollectionConverters.asJava(snapshot(path).setTransactions())) {
            if (APP_ID.equals(t.appId())) {
                return t.version();
            }
        }
        return -1;
    }

    /**
     * The ledger the manifest recorded, when both tables are still at the versions it describes (no commit
     * since, so its run is the last and its rejects are committed); empty otherwise. Reads only the logs'
     * listings: no Spark job, where a scan of the tables costs seconds to a minute of small jobs.
     */
    public java.util.Optional<Map<String, String>> ledgerRecordedIn(io.sparkcnn.model.data.Manifest manifest) {
        if (manifest == null || manifest.ledger() == null || manifest.ledger().units() == null) {
            return java.util.Optional.empty();
        }
        boolean current = version() == manifest.tableVersion() && rejectsVersion() == manifest.ledger().rejectsTableVersion();
        return current ? java.util.Optional.of(new HashMap<>(manifest.ledger().units())) : java.util.Optional.empty();
    }

    /** Delta version of the rejects table, -1 when it does not exist. */
    public long rejectsVersion() {
        return rejectsExist() ? snapshot(rejectsPath).version() : -1;
    }

    /** Delta version of the shard table, -1 when it does not exist yet. */
    public long version() {
        return exists() ? snapshot().version() : -1;
    }

    /** The last run committed to the shard table (0 when none). */
    public long lastRunSeq() {
        return exists() ? Math.max(0, lastTxn(shardsPath)) : 0;
    }

    /**
     * The last run whose rejects are committed. A rejects table without transactions was written by
     * the earlier protocol (rejects first), where it is as current as the shard table.
     */
    long lastRejectsSeq(long lastSeq) {
        if (!rejectsExist()) {
            return 0;
        }
        long t = lastTxn(rejectsPath);
        return t < 0 ? lastSeq : t;
    }

    /**
     * unit -> fingerprint of every unit the committed output covers (rows or rejects); units with rows
     * of a run whose rejects were not committed map to {@link #UNFINISHED}, so they are redone.
     */
    public Map<String, String> ledger(long lastSeq) {
        long rejectsSeq = lastRejectsSeq(lastSeq);
        Map<String, String> m = new HashMap<>();
        if (exists()) {
            for (Row r : spark.read().format("delta").load(shardsPath)
                    .select(col(ShardSchema.SOURCE), col(ShardSchema.SOURCE_FP), col(ShardSchema.RUN_SEQ).gt(rejectsSeq))
                    .distinct().collectAsList()) {
                putChecked(m, r.getString(0), r.getBoolean(2) ? UNFINISHED : r.getString(1));
            }
        }
        if (rejectsExist()) {
            // run_seq above the shard table's: rejects an older protocol left of an unfinished run
            for (Row r : spark.read().format("delta").load(rejectsPath)
                    .where(col(RejectSchema.RUN_SEQ).leq(lastSeq))
                    .select(RejectSchema.UNIT, RejectSchema.UNIT_FP).distinct().collectAsList()) {
                putChecked(m, r.getString(0), r.getString(1));
            }
        }
        return m;
    }

    /** Two fingerprints for one unit cannot both be current: mark it so it is reprocessed. */
    private static void putChecked(Map<String, String> m, String unit, String fp) {
        String old = m.putIfAbsent(unit, fp);
        if (old != null && !old.equals(fp)) {
            m.put(unit, "conflict");
        }
    }

    /** Step (1): the run's commit point. */
    public void commitShards(Dataset<Row> rows, long runSeq, Collection<String> replacedUnits) {
        var w = rows.write().format("delta")
                .option("txnAppId", APP_ID).option("txnVersion", runSeq)
                .option("userMetadata", "sparkcnn-prep run " + runSeq);
        if (!exists() || replacedUnits.isEmpty()) {
            w.mode(SaveMode.Append).save(shardsPath);
            return;
        }
        // new rows all have run_seq = N, so they satisfy the predicate; old rows of replaced units go
        String where = ShardSchema.RUN_SEQ + " = " + runSeq + inList(ShardSchema.SOURCE, replacedUnits);
        w.mode(SaveMode.Overwrite).option("replaceWhere", where).save(shardsPath);
    }

    /** Step (2), after the shards: rejects of replaced units go, run N's are appended; always one commit, so N is recorded. */
    public void commitRejects(Dataset<Row> rejects, long runSeq, long lastSeq, Collection<String> replacedUnits) {
        var w = rejects.write().format("delta")
                .option("txnAppId", APP_ID).option("txnVersion", runSeq)
                .option("userMetadata", "sparkcnn-prep run " + runSeq);
        if (!rejectsExist()) {
            w.mode(SaveMode.Append).save(rejectsPath);
            return;
        }
        // run_seq > last: rows an older protocol left of an unfinished run
        String where = RejectSchema.RUN_SEQ + " > " + lastSeq + inList(RejectSchema.UNIT, replacedUnits);
        w.mode(SaveMode.Overwrite).option("replaceWhere", where).save(rejectsPath);
    }

    /** A run stopped by the reject threshold keeps its rejects here for inspection, outside the tables. */
    public void writeFailedRunRejects(Dataset<Row> rejects) {
        rejects.coalesce(1).write().mode(SaveMode.Overwrite).parquet(failedRejectsPath());
    }

    /** Removes the failed run's rejects once a run has committed (they describe no table state). */
    public void dropFailedRunRejects(org.apache.hadoop.conf.Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(failedRejectsPath());
        p.getFileSystem(conf).delete(p, true);
    }

    public String failedRejectsPath() {
        return shardsPath + "/" + FAILED_REJECTS_DIR;
    }

    private static String inList(String column, Collection<String> values) {
        if (values.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" OR ").append(column).append(" IN (");
        boolean first = true;
        for (String v : values) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('\'').append(v.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        return sb.append(')').toString();
    }

    /** A live shard file: path relative to the table root, bytes, rows and split (from Delta's stats). */
    public record ShardFile(String path, long bytes, long rows, String split) {
    }

    public List<ShardFile> files() throws IOException {
        List<ShardFile> out = new ArrayList<>();
        if (!exists()) {
            return out;
        }
        ObjectMapper json = new ObjectMapper();
        for (Row r : snapshot().allFiles().toDF().select("path", "size", "stats").collectAsList()) {
            String stats = r.getString(2);
            long rows = -1;
            String split = null;
            if (stats != null) {
                JsonNode n = json.readTree(stats);
                rows = n.path("numRecords").asLong(-1);
                JsonNode min = n.path("minValues").path(ShardSchema.SPLIT);
                split = min.isMissingNode() ? null : min.asText();
            }
            out.add(new ShardFile(r.getString(0), r.getLong(1), rows, split));
        }
        out.sort(java.util.Comparator.comparing(ShardFile::path));
        return out;
    }

    public Dataset<Row> readShards() {
        return spark.read().format("delta").load(shardsPath);
    }

    /** Committed rejects (the table holds only those; the filter hides what an older protocol left of an unfinished run). */
    public Dataset<Row> readRejects() {
        if (!rejectsExist()) {
            return spark.createDataFrame(List.of(), SparkSchemas.rejects());
        }
        return spark.read().format("delta").load(rejectsPath).where(col(RejectSchema.RUN_SEQ).leq(lastRunSeq()));
    }
}
