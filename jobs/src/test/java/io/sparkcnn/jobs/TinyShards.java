package io.sparkcnn.jobs;

import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small learnable classification dataset written the way data-prep writes shards: Parquet
 * files with the shard schema's columns (raw RGB, 12x12) plus a _manifest.json listing every
 * shard with its row count. Class c lights up quadrant c of the image, with noise.
 */
public final class TinyShards {
    public static final int SIZE = 12;
    public static final int CLASSES = 4;

    private TinyShards() {}

    public static String write(SparkSession spark, String root, int trainRows, int testRows) throws IOException {
        StructType schema = new StructType()
                .add(ShardSchema.KEY, DataTypes.StringType, false)
                .add(ShardSchema.SPLIT, DataTypes.StringType, false)
                .add(ShardSchema.IMAGE, DataTypes.BinaryType, false)
                .add(ShardSchema.ENCODING, DataTypes.StringType, false)
                .add(ShardSchema.HEIGHT, DataTypes.IntegerType, false)
                .add(ShardSchema.WIDTH, DataTypes.IntegerType, false)
                .add(ShardSchema.CHANNELS, DataTypes.IntegerType, false)
                .add(ShardSchema.LABEL, DataTypes.IntegerType, false);
        List<Manifest.Shard> shards = new ArrayList<>();
        Map<String, Manifest.SplitCounts> splits = new LinkedHashMap<>();
        for (String split : List.of("train", "test")) {
            int n = split.equals("train") ? trainRows : testRows;
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) rows.add(row(split, i));
            String dir = root + "/split=" + split;
            spark.createDataFrame(rows, schema).repartition(3, functions.col(ShardSchema.KEY))
                    .write().mode("overwrite").parquet(dir);
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            for (FileStatus st : fs.listStatus(p)) {
                String name = st.getPath().getName();
                if (!name.endsWith(".parquet")) continue;
                long count = spark.read().parquet(st.getPath().toString()).count();
                shards.add(new Manifest.Shard("split=" + split + "/" + name, split, count, st.getLen(), "-"));
            }
            splits.put(split, new Manifest.SplitCounts(n, Map.of()));
        }
        Map<Integer, String> classes = new LinkedHashMap<>();
        for (int c = 0; c < CLASSES; c++) classes.put(c, "quadrant" + c);
        Map<String, Manifest.ChannelStats> stats = Map.of("train",
                new Manifest.ChannelStats(new double[] {0.3, 0.3, 0.3}, new double[] {0.3, 0.3, 0.3}, 1));
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, "tiny", Task.CLASSIFICATION, "2026-01-01T00:00:00Z", 0, 1,
                Map.of(), classes, splits, stats, shards, List.of(), null);
        Path manifest = new Path(root, Manifest.FILE_NAME);
        try (OutputStream out = manifest.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(manifest, true)) {
            m.write(out);
        }
        return root;
    }

    private static Row row(String split, int i) {
        SplittableRandom r = new SplittableRandom((split.hashCode() * 31L) + i);
        int label = r.nextInt(CLASSES);
        byte[] px = new byte[SIZE * SIZE * 3];
        int half = SIZE / 2;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int quadrant = (y < half ? 0 : 2) + (x < half ? 0 : 1);
                int v = (quadrant == label ? 170 : 40) + r.nextInt(60);
                for (int c = 0; c < 3; c++) px[(y * SIZE + x) * 3 + c] = (byte) v;
            }
        }
        return RowFactory.create(split + "/" + i, split, px, ShardSchema.ENC_RAW, SIZE, SIZE, 3, label);
    }

    /** A tiny CNN for these images, as a network config file. */
    public static String networkConfig() {
        return """
                network {
                  name = tinycnn
                  input = [1, 12, 12]
                  layers = [
                    { type = conv2d, name = conv1, filters = 4, kernel = 3, padding = 1 }
                    { type = relu }
                    { type = maxpool2d, kernel = 2 }
                    { type = flatten }
                    { type = dense, units = 4 }
                  ]
                  loss { type = softmax_cross_entropy }
                }
                """;
    }
}
