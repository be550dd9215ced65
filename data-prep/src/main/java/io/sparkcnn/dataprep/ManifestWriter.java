package io.sparkcnn.dataprep;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.sum;

import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Builds {@code _manifest.json} from the committed table state and replaces the old one atomically. */
final class ManifestWriter {
    private final SparkSession spark;
    private final ShardTable table;
    private final Configuration conf;
    private final Path manifestPath;

    ManifestWriter(SparkSession spark, ShardTable table, Configuration conf) {
        this.spark = spark;
        this.table = table;
        this.conf = conf;
        this.manifestPath = new Path(table.shardsPath(), Manifest.FILE_NAME);
    }

    /** The current manifest, or null when absent or unreadable (it is then rebuilt). */
    Manifest read() {
        try {
            var fs = manifestPath.getFileSystem(conf);
            if (!fs.exists(manifestPath)) {
                return null;
            }
            try (InputStream in = fs.open(manifestPath)) {
                return Manifest.read(in);
            }
        } catch (IOException e) {
            return null;
        }
    }

    Manifest write(PrepOptions opts, Task task, Map<Integer, String> classes, List<SourceUnit> processedUnits,
                   Manifest previous) throws IOException {
        long version = table.version();
        long runSeq = table.lastRunSeq();
        Dataset<Row> shards = table.readShards();

        // one aggregation gives counts per split and class and the pixel sums per split
        boolean labelled = task == Task.CLASSIFICATION || task == Task.VIDEO;
        List<org.apache.spark.sql.Column> aggs = new ArrayList<>();
        aggs.add(sum(ShardSchema.STAT_COUNT));
        for (int c = 1; c <= 3; c++) {
            aggs.add(sum(expr("try_element_at(" + ShardSchema.STAT_SUM + ", " + c + ")")));
            aggs.add(sum(expr("try_element_at(" + ShardSchema.STAT_SUMSQ + ", " + c + ")")));
        }
        org.apache.spark.sql.Column label = labelled ? col(ShardSchema.LABEL) : lit(-1).as(ShardSchema.LABEL);
        Map<String, Map<Integer, Long>> perClass = new TreeMap<>();
        Map<String, double[]> sums = new TreeMap<>();
        for (Row r : shards.groupBy(col(ShardSchema.SPLIT), label).agg(count("*"), aggs.toArray(new org.apache.spark.sql.Column[0]))
                .collectAsList()) {
            perClass.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getInt(1), r.getLong(2));
            double[] acc = sums.computeIfAbsent(r.getString(0), k -> new double[8]);
            acc[0] += r.getLong(3);
            acc[7] = Math.max(acc[7], channelsPresent(r));
            for (int k = 0; k < 6; k++) {
                acc[1 + k] += r.isNullAt(4 + k) ? 0 : r.getDouble(4 + k);
            }
        }
        Map<String, Manifest.SplitCounts> splits = new TreeMap<>();
        perClass.forEach((s, m) -> splits.put(s, new Manifest.SplitCounts(
                m.values().stream().mapToLong(Long::longValue).sum(), labelled ? m : null)));
        Map<String, Manifest.ChannelStats> stats = new TreeMap<>();
        sums.forEach((s, acc) -> {
            int ch = (int) acc[7];
            double n = acc[0];
            double[] mean = new double[ch];
            double[] std = new double[ch];
            for (int c = 0; c < ch; c++) {
                mean[c] = acc[1 + 2 * c] / n;
                std[c] = Math.sqrt(Math.max(0, acc[2 + 2 * c] / n - mean[c] * mean[c]));
            }
            stats.put(s, new Manifest.ChannelStats(mean, std, (long) n));
        });

        // shard files are immutable: keep checksums already computed, hash only new files
        Map<String, String> known = new HashMap<>();
        if (previous != null && previous.shards() != null) {
            previous.shards().forEach(s -> known.put(s.path(), s.sha256()));
        }
        List<ShardTable.ShardFile> files = table.files();
        List<String> missing = files.stream().map(ShardTable.ShardFile::path).filter(p -> !known.containsKey(p)).toList();
        known.putAll(Checksums.sha256(JavaSparkContext.fromSparkContext(spark.sparkContext()), table.shardsPath(), missing,
                new SerializableConf(conf)));
        List<Manifest.Shard> shardList = new ArrayList<>();
        for (ShardTable.ShardFile f : files) {
            shardList.add(new Manifest.Shard(f.path(), f.split(), f.rows(), f.bytes(), known.get(f.path())));
        }

        List<Manifest.Source> sources = new ArrayList<>();
        for (SourceUnit u : processedUnits) {
            for (SourceFile f : u.files()) {
                sources.add(new Manifest.Source(f.path(), f.size(), f.mtime(), u.id()));
            }
        }

        Map<String, Long> byStage = new TreeMap<>();
        long totalRejects = 0;
        for (Row r : table.readRejects().groupBy(RejectSchema.STAGE).agg(count("*")).collectAsList()) {
            byStage.put(r.getString(0), r.getLong(1));
            totalRejects += r.getLong(1);
        }

        Manifest m = new Manifest(Manifest.FORMAT_VERSION, opts.kind(), task, Instant.now().toString(), version, runSeq,
                opts.fullConfig(), classes.isEmpty() ? null : new TreeMap<>(classes), splits, stats, shardList, sources,
                new Manifest.Rejects(totalRejects, byStage, ShardTable.REJECTS_DIR), 
                new Manifest.Ledger(table.rejectsVersion(), unitFingerprints(processedUnits)));
        replace(m.toBytes());
        return m;
    }

    private static Map<String, String> unitFingerprints(List<SourceUnit> units) {
        Map<String, String> m = new TreeMap<>();
        units.forEach(u -> m.put(u.id(), u.fingerprint()));
        return m;
    }

    private static int channelsPresent(Row r) {
        int ch = 0;
        for (int c = 0; c < 3; c++) {
            if (!r.isNullAt(4 + 2 * c)) {
                ch = c + 1;
            }
        }
        return ch;
    }

    /** Write to a temporary name, then rename over the old manifest in one step. */
    private void replace(byte[] bytes) throws IOException {
        FileContext fc = FileContext.getFileContext(manifestPath.toUri(), conf);
        Path tmp = new Path(manifestPath.getParent(), "_manifest.json." + java.util.UUID.randomUUID() + ".tmp");
        try (OutputStream out = fc.create(tmp, java.util.EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
                Options.CreateOpts.perms(FsPermission.getFileDefault()))) {
            out.write(bytes);
        }
        fc.rename(tmp, manifestPath, Options.Rename.OVERWRITE);
    }
}
