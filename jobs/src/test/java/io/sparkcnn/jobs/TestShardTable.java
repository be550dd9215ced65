package io.sparkcnn.jobs;

import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test rows written the way data-prep lays out shards: a {@code split=<name>} folder of Parquet
 * files per split and a _manifest.json listing every file with its row count. The test datasets
 * ({@link TinyShards}, {@link TinySegShards}) only make the rows.
 */
final class TestShardTable {
    private TestShardTable() {}

    /** The shard schema's image columns followed by the task's target column. */
    static StructType imageSchema(String targetColumn, DataType targetType) {
        return new StructType()
                .add(ShardSchema.KEY, DataTypes.StringType, false)
                .add(ShardSchema.SPLIT, DataTypes.StringType, false)
                .add(ShardSchema.IMAGE, DataTypes.BinaryType, false)
                .add(ShardSchema.ENCODING, DataTypes.StringType, false)
                .add(ShardSchema.HEIGHT, DataTypes.IntegerType, false)
                .add(ShardSchema.WIDTH, DataTypes.IntegerType, false)
                .add(ShardSchema.CHANNELS, DataTypes.IntegerType, false)
                .add(targetColumn, targetType, false);
    }

    /**
     * Writes each split's rows in filesPerSplit Parquet files and the manifest of the given task and
     * classes, with one train-split channel mean and std for all three channels. Returns root.
     */
    static String write(SparkSession spark, String root, StructType schema, Map<String, List<Row>> rowsBySplit,
                        int filesPerSplit, String dataset, Task task, Map<Integer, String> classes,
                        double mean, double std) throws IOException {
        List<Manifest.Shard> shards = new ArrayList<>();
        Map<String, Manifest.SplitCounts> splits = new java.util.LinkedHashMap<>();
        for (var split : rowsBySplit.entrySet()) {
            String dir = root + "/split=" + split.getKey();
            spark.createDataFrame(split.getValue(), schema).repartition(filesPerSplit, functions.col(ShardSchema.KEY))
                    .write().mode("overwrite").parquet(dir);
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            for (FileStatus st : fs.listStatus(p)) {
                String name = st.getPath().getName();
                if (!name.endsWith(".parquet")) continue;
                long count = spark.read().parquet(st.getPath().toString()).count();
                shards.add(new Manifest.Shard("split=" + split.getKey() + "/" + name, split.getKey(), count, st.getLen(), "-"));
            }
            splits.put(split.getKey(), new Manifest.SplitCounts(split.getValue().size(), Map.of()));
        }
        Map<String, Manifest.ChannelStats> stats = Map.of("train",
                new Manifest.ChannelStats(new double[] {mean, mean, mean}, new double[] {std, std, std}, 1));
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, dataset, task, "2026-01-01T00:00:00Z", 0, 1,
                Map.of(), classes, splits, stats, shards, List.of(), null);
        Path manifest = new Path(root, Manifest.FILE_NAME);
        try (OutputStream out = manifest.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(manifest, true)) {
            m.write(out);
        }
        return root;
    }
}
