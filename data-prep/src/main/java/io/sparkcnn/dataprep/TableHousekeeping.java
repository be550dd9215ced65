package io.sparkcnn.dataprep;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.slf4j.Logger;
import scala.jdk.javaapi.CollectionConverters;
import org.slf4j.LoggerFactory;

/**
 * Keeps a table directory equal to what its versions need, so plain Parquet readers of the shard
 * list are not tripped by leftovers: files of aborted writes go at the start of the next run, and
 * VACUUM removes files of versions older than the retention after each commit.
 */
final class TableHousekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(TableHousekeeping.class);
    /** Delta's own floor for VACUUM retention; below it Delta's safety check must be turned off. */
    static final double DELTA_MIN_RETAIN_HOURS = 168;

    private final SparkSession spark;
    private final Configuration conf;

    TableHousekeeping(SparkSession spark, Configuration conf) {
        this.spark = spark;
        this.conf = conf;
    }

    /**
     * Deletes the data files ({@code part-*}) in a table root that no version references and that
     * were written after the last commit: what a run killed before its commit leaves (zero-byte and
     * truncated Parquet files). Files of older versions are never touched (they are referenced by
     * tombstones or older than the last commit; VACUUM handles them). One writer at a time is assumed.
     *
     * @return the number of files deleted
     */
    int removeAbortedWriteFiles(String tablePath) throws IOException {
        Path root = new Path(tablePath);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.isDirectory(root)) {
            return 0;
        }
        // a file of an aborted write is newer than the last commit: without such a file there is nothing to
        // look up in the log, and a rerun starts no Spark job here (the commit's time is its log file's mtime)
        long lastLogWrite = newestCommitFileTime(fs, root);
        boolean candidates = false;
        for (FileStatus f : fs.listStatus(root)) {
            candidates |= f.isFile() && f.getPath().getName().startsWith("part-") && f.getModificationTime() >= lastLogWrite;
        }
        if (!candidates) {
            return 0;
        }
        Set<String> referenced = new HashSet<>();
        long lastCommit = Long.MIN_VALUE;
        if (DeltaTable.isDeltaTable(spark, tablePath)) {
            Snapshot s = DeltaLog.forTableWithSnapshot(spark, tablePath)._2();
            lastCommit = s.timestamp();
            for (Row r : s.allFiles().toDF().select("path").collectAsList()) {
                referenced.add(fileName(r.getString(0)));
            }
            for (Row r : s.tombstones().toDF().select("path").collectAsList()) {
                referenced.add(fileName(r.getString(0)));
            }
        }
        int deleted = 0;
        for (FileStatus f : fs.listStatus(root)) {
            String name = f.getPath().getName();
            if (f.isFile() && name.startsWith("part-") && !referenced.contains(name) && f.getModificationTime() >= lastCommit) {
                if (fs.delete(f.getPath(), false)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("removed {} file(s) of an aborted write from {}", deleted, tablePath);
        }
        return deleted;
    }

    /** Modification time of the table's newest commit file, Long.MIN_VALUE without a log. */
    private static long newestCommitFileTime(FileSystem fs, Path root) throws IOException {
        Path log = new Path(root, "_delta_log");
        if (!fs.isDirectory(log)) {
            return Long.MIN_VALUE;
        }
        long newest = Long.MIN_VALUE;
        for (FileStatus f : fs.listStatus(log, p -> p.getName().endsWith(".json"))) {
            newest = Math.max(newest, f.getModificationTime());
        }
        return newest;
    }

    /** Data-file paths in the log are relative, URI-encoded; the tables here are not partitioned. */
    private static String fileName(String logPath) {
        String p = URI.create(logPath).getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    static final String FILE_RETENTION = "delta.deletedFileRetentionDuration";
    static final String LOG_RETENTION = "delta.logRetentionDuration";
    /** Delta's default log retention; the log is never kept shorter than that. */
    static final long DEFAULT_LOG_HOURS = 30 * 24;

    /**
     * Makes {@code retainHours} the tables' file retention. Delta 4 VACUUM takes its retention from
     * the table property {@code delta.deletedFileRetentionDuration} (an argument other than 0 is
     * ignored) and refuses time travel beyond it, so the property is the setting: tables this session
     * creates get it as a default, existing tables are altered (one metadata commit) when it differs.
     * The log is kept at least as long, else versions would lose their log before their files.
     */
    void applyRetention(List<String> tablePaths, long retainHours) {
        String files = "interval " + retainHours + " hours";
        String log = "interval " + Math.max(retainHours, DEFAULT_LOG_HOURS) + " hours";
        spark.conf().set("spark.databricks.delta.properties.defaults." + FILE_RETENTION.substring("delta.".length()), files);
        spark.conf().set("spark.databricks.delta.properties.defaults." + LOG_RETENTION.substring("delta.".length()), log);
        for (String path : tablePaths) {
            if (!DeltaTable.isDeltaTable(spark, path)) {
                continue;
            }
            var conf = CollectionConverters.asJava(DeltaLog.forTableWithSnapshot(spark, path)._2().metadata().configuration());
            if (!files.equals(conf.get(FILE_RETENTION)) || !log.equals(conf.get(LOG_RETENTION))) {
                spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` SET TBLPROPERTIES ('" + FILE_RETENTION + "' = '"
                        + files + "', '" + LOG_RETENTION + "' = '" + log + "')");
                LOG.info("{}: file retention set to {}, log retention to {}", path, files, log);
            }
        }
    }

    /**
     * Removes files that no version within the retention needs (Delta VACUUM, after {@link #applyRetention}).
     * VACUUM deletes only unreferenced data files older than the retention; when the table has none, it is
     * skipped (its listing jobs cost half a minute on a small table).
     *
     * @return whether VACUUM ran
     */
    boolean vacuum(String tablePath, long retainHours) throws IOException {
        if (!DeltaTable.isDeltaTable(spark, tablePath) || !hasVacuumableFiles(tablePath, retainHours)) {
            return false;
        }
        String check = "spark.databricks.delta.retentionDurationCheck.enabled";
        String old = spark.conf().get(check, "true");
        // VACUUM START/END history commits would move the table version past the manifest's
        String logging = "spark.databricks.delta.vacuum.logging.enabled";
        String oldLogging = spark.conf().get(logging, "false");
        spark.conf().set(logging, "false");
        // VACUUM lists the table in 200 partitions (Delta's default) and pulls them to the driver one job
        // each: minutes for a small table on a small cluster. The cluster's parallelism is enough.
        String listing = "spark.databricks.delta.vacuum.fileListing.parallelism";
        String oldListing = spark.conf().get(listing, "200");
        String discovery = "spark.sql.sources.parallelPartitionDiscovery.parallelism"; // older Delta paths list with it
        String oldDiscovery = spark.conf().get(discovery, "10000");
        String parallelism = Integer.toString(Math.max(1, spark.sparkContext().defaultParallelism()));
        spark.conf().set(listing, parallelism);
        spark.conf().set(discovery, parallelism);
        if (retainHours < DELTA_MIN_RETAIN_HOURS) {
            spark.conf().set(check, "false"); // the retention is this job's setting, chosen by its user
        }
        try {
            if (retainHours == 0) {
                DeltaTable.forPath(spark, tablePath).vacuum(0);
            } else {
                DeltaTable.forPath(spark, tablePath).vacuum();
            }
        } finally {
            spark.conf().set(check, old);
            spark.conf().set(logging, oldLogging);
            spark.conf().set(listing, oldListing);
            spark.conf().set(discovery, oldDiscovery);
        }
        return true;
    }

    /** Data files older than the retention that neither the current version nor a kept tombstone names. */
    boolean hasVacuumableFiles(String tablePath, long retainHours) throws IOException {
        Path root = new Path(tablePath);
        FileSystem fs = root.getFileSystem(conf);
        long cutoff = System.currentTimeMillis() - retainHours * 3_600_000L;
        List<String> old = new java.util.ArrayList<>();
        for (FileStatus f : fs.listStatus(root)) {
            if (f.isFile() && f.getPath().getName().startsWith("part-") && f.getModificationTime() < cutoff) {
                old.add(f.getPath().getName());
            }
        }
        if (old.isEmpty()) {
            return false;
        }
        Snapshot s = DeltaLog.forTableWithSnapshot(spark, tablePath)._2();
        Set<String> referenced = new HashSet<>();
        for (Row r : s.allFiles().toDF().select("path").collectAsList()) {
            referenced.add(fileName(r.getString(0)));
        }
        for (Row r : s.tombstones().toDF().select("path").collectAsList()) {
            referenced.add(fileName(r.getString(0)));
        }
        // a tombstone newer than the retention protects its file; one older than it does not, though Delta
        // may still list it: VACUUM decides then
        return old.stream().anyMatch(name -> !referenced.contains(name)) || !s.tombstones().toDF()
                .where(org.apache.spark.sql.functions.col("deletionTimestamp").lt(cutoff)).isEmpty();
    }

    /** Temporary manifests of a killed manifest write ({@code _manifest.json.<uuid>.tmp}). */
    int removeStaleManifestTemps(String tablePath) throws IOException {
        Path root = new Path(tablePath);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.isDirectory(root)) {
            return 0;
        }
        int n = 0;
        for (FileStatus f : fs.listStatus(root, p -> p.getName().startsWith("_manifest.json.") && p.getName().endsWith(".tmp"))) {
            n += fs.delete(f.getPath(), false) ? 1 : 0;
        }
        return n;
    }

    static List<String> tables(ShardTable t) {
        // a run without rejects creates no rejects table, and Delta refuses a path that is none
        return t.rejectsExist() ? List.of(t.shardsPath(), t.rejectsPath()) : List.of(t.shardsPath());
    }
}
