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

    /** Data-file paths in the log are relative, URI-encoded; the tables here are not partitioned. */
    private static String fileName(String logPath) {
        String p = URI.create(logPath).getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** Removes files no version within the last {@code retainHours} needs (Delta VACUUM). */
    void vacuum(String tablePath, double retainHours) {
        if (!DeltaTable.isDeltaTable(spark, tablePath)) {
            return;
        }
        String check = "spark.databricks.delta.retentionDurationCheck.enabled";
        String old = spark.conf().get(check, "true");
        if (retainHours < DELTA_MIN_RETAIN_HOURS) {
            spark.conf().set(check, "false"); // the retention is this job's setting, chosen by its user
        }
        try {
            DeltaTable.forPath(spark, tablePath).vacuum(retainHours);
        } finally {
            spark.conf().set(check, old);
        }
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
        return List.of(t.shardsPath(), t.rejectsPath());
    }
}
