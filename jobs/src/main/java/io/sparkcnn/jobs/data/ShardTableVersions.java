package io.sparkcnn.jobs.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.ShardSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * data-prep's shard table (Delta Lake at the data root) at one of its versions: Delta time
 * travel, so that a resumed run reads the files of the version its checkpoint trained on,
 * which stay readable until VACUUM removes them. Shards are listed as the manifest lists them
 * (path relative to the root, split, rows and bytes from the Delta log), without checksums.
 */
public final class ShardTableVersions {
    private ShardTableVersions() {}

    /** A version that cannot be read any more: its log entries were cleaned up or VACUUM removed its files. */
    public static final class VersionGoneException extends Exception {
        VersionGoneException(String message) {
            super(message);
        }
    }

    public static boolean isDeltaTable(SparkSession spark, String root) {
        return DeltaTable.isDeltaTable(spark, root);
    }

    /** The table's newest version. */
    public static long currentVersion(SparkSession spark, String root) {
        return DeltaLog.forTableWithSnapshot(spark, root)._2().version();
    }

    /** Every shard file of the table at version, each checked to be still there with its recorded size. */
    public static List<Manifest.Shard> shardsAt(SparkSession spark, String root, long version, Configuration conf)
            throws VersionGoneException {
        Snapshot snapshot;
        try {
            DeltaLog log = DeltaLog.forTable(spark, root);
            snapshot = log.getSnapshotAt(version, log.getSnapshotAt$default$2(), log.getSnapshotAt$default$3(),
                    log.getSnapshotAt$default$4());
        } catch (Exception e) { // Delta throws Scala's unchecked AnalysisException when the log no longer holds the version
            throw new VersionGoneException("its Delta log can no longer rebuild it (" + e.getMessage() + ")");
        }
        List<Manifest.Shard> shards = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (Row r : snapshot.allFiles().toDF().select("path", "size", "stats").collectAsList()) {
            long rows = -1;
            String split = null;
            String stats = r.getString(2);
            if (stats != null) {
                try {
                    JsonNode n = json.readTree(stats);
                    rows = n.path("numRecords").asLong(-1);
                    JsonNode min = n.path("minValues").path(ShardSchema.SPLIT);
                    split = min.isMissingNode() ? null : min.asText();
                } catch (IOException e) {
                    throw new UncheckedIOException("the Delta log of " + root + " version " + version
                            + " holds unreadable statistics for " + r.getString(0), e);
                }
            }
            shards.add(new Manifest.Shard(r.getString(0), split, rows, r.getLong(1), null));
        }
        checkPresent(root, version, shards, conf);
        return shards;
    }

    /** VACUUM deletes the files no later version needs: each directory is listed once, each file looked up. */
    private static void checkPresent(String root, long version, List<Manifest.Shard> shards, Configuration conf)
            throws VersionGoneException {
        String base = root.endsWith("/") ? root : root + "/";
        Map<Path, Map<String, Long>> listed = new HashMap<>();
        List<String> missing = new ArrayList<>();
        try {
            FileSystem fs = new Path(base).getFileSystem(conf);
            for (Manifest.Shard s : shards) {
                Path p = new Path(base + s.path());
                Map<String, Long> dir = listed.computeIfAbsent(p.getParent(), d -> list(fs, d));
                Long length = dir.get(p.getName());
                if (length == null || length != s.bytes()) missing.add(s.path());
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("checking the files of " + root + " version " + version,
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        if (!missing.isEmpty()) {
            throw new VersionGoneException("VACUUM removed its files: " + missing.size() + " of its " + shards.size()
                    + " shard files are missing (" + String.join(", ", missing.subList(0, Math.min(3, missing.size())))
                    + (missing.size() > 3 ? ", ..." : "") + ")");
        }
    }

    private static Map<String, Long> list(FileSystem fs, Path dir) {
        Map<String, Long> m = new HashMap<>();
        try {
            for (FileStatus st : fs.listStatus(dir)) m.put(st.getPath().getName(), st.getLen());
        } catch (FileNotFoundException e) {
            return m; // the whole directory is gone
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
        return m;
    }
}
