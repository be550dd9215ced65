package io.sparkcnn.jobs.ml;

import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.PixelStats;
import io.sparkcnn.model.data.RejectedException;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * A labelled DataFrame of images -> one training split of shards and its manifest, laid out as
 * data-prep lays them out (Parquet files under {@code split=train/}, the shard schema's columns,
 * {@code _manifest.json} with every file's row count, the per-class counts and the per-channel
 * statistics), so that the train job reads it like any prepared dataset. Rows are assigned to
 * files and ordered inside them by xxhash64(key, seed), as data-prep does: a DataFrame sorted by
 * class does not give each worker one class. jobs does not depend on data-prep (its Delta table,
 * FFmpeg): this writes plain Parquet with the schema and manifest of the model module.
 */
final class ShardStaging {
    static final String SPLIT = "train";

    /** The staged split: its manifest, and the class count its labels need (largest label + 1). */
    record Staged(Manifest manifest, int labelClasses) {}

    private ShardStaging() {}

    static StructType schema() {
        return new StructType()
                .add(ShardSchema.KEY, DataTypes.StringType, false)
                .add(ShardSchema.SPLIT, DataTypes.StringType, false)
                .add(ShardSchema.IMAGE, DataTypes.BinaryType, false)
                .add(ShardSchema.ENCODING, DataTypes.StringType, false)
                .add(ShardSchema.HEIGHT, DataTypes.IntegerType, false)
                .add(ShardSchema.WIDTH, DataTypes.IntegerType, false)
                .add(ShardSchema.CHANNELS, DataTypes.IntegerType, false)
                .add(ShardSchema.STAT_SUM, DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                .add(ShardSchema.STAT_SUMSQ, DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                .add(ShardSchema.STAT_COUNT, DataTypes.LongType, false)
                .add(ShardSchema.LABEL, DataTypes.IntegerType, false);
    }

    /**
     * Writes the rows of data (image column read as input says, labels from labelCol) as that many
     * shard files under dataRoot and the manifest beside them. A row whose image does not decode or
     * whose label is not a class index fails the job naming the row.
     */
    static Staged stage(Dataset<Row> data, ImageInput input, String labelCol, String dataRoot, int files, long seed) {
        int label = data.schema().fieldIndex(labelCol);
        Dataset<Row> rows = data.mapPartitions(shardRows(input, labelCol, label), Encoders.row(schema()))
                .withColumn(ShardSchema.SHUFFLE_KEY, xxhash64(col(ShardSchema.KEY), lit(seed)));
        String dir = dataRoot + "/" + ShardSchema.SPLIT + "=" + SPLIT;
        rows.repartition(files, col(ShardSchema.SHUFFLE_KEY)).sortWithinPartitions(ShardSchema.SHUFFLE_KEY)
                .write().mode(SaveMode.Overwrite).parquet(dir);
        Configuration hadoop = data.sparkSession().sparkContext().hadoopConfiguration();
        List<Manifest.Shard> shards = shardFiles(dir, hadoop);

        // one aggregation: rows per class and the pixel sums of the split
        TreeMap<Integer, Long> perClass = new TreeMap<>();
        double[] acc = new double[7];
        for (Row r : data.sparkSession().read().parquet(dir).groupBy(col(ShardSchema.LABEL)).agg(count("*"),
                sum(ShardSchema.STAT_COUNT), sum(col(ShardSchema.STAT_SUM).getItem(0)), sum(col(ShardSchema.STAT_SUMSQ).getItem(0)),
                sum(col(ShardSchema.STAT_SUM).getItem(1)), sum(col(ShardSchema.STAT_SUMSQ).getItem(1)),
                sum(col(ShardSchema.STAT_SUM).getItem(2)), sum(col(ShardSchema.STAT_SUMSQ).getItem(2))).collectAsList()) {
            perClass.put(r.getInt(0), r.getLong(1));
            acc[0] += r.getLong(2);
            for (int k = 0; k < 6; k++) acc[1 + k] += r.getDouble(3 + k);
        }
        long total = perClass.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) throw new IllegalArgumentException("the DataFrame has no rows to train on");
        double[] mean = new double[3], std = new double[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = acc[1 + 2 * c] / acc[0];
            std[c] = Math.sqrt(Math.max(0, acc[2 + 2 * c] / acc[0] - mean[c] * mean[c]));
        }
        int labelClasses = perClass.lastKey() + 1;
        Map<Integer, String> classes = new TreeMap<>();
        for (int c = 0; c < labelClasses; c++) classes.put(c, String.valueOf(c));
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, "sparkml", Task.CLASSIFICATION, Instant.now().toString(), 0, 1,
                Map.of(), classes, Map.of(SPLIT, new Manifest.SplitCounts(total, perClass)),
                Map.of(SPLIT, new Manifest.ChannelStats(mean, std, (long) acc[0])), shards, List.of(), null);
        Path manifest = new Path(dataRoot, Manifest.FILE_NAME);
        try (OutputStream out = manifest.getFileSystem(hadoop).create(manifest, true)) {
            m.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + manifest, e);
        }
        return new Staged(m, labelClasses);
    }

    // each written Parquet file with its row count from the footer (no checksum: the manifest says "")
    private static List<Manifest.Shard> shardFiles(String dir, Configuration hadoop) {
        try {
            Path p = new Path(dir);
            FileSystem fs = p.getFileSystem(hadoop);
            List<Manifest.Shard> shards = new ArrayList<>();
            for (FileStatus st : fs.listStatus(p)) {
                String name = st.getPath().getName();
                if (!name.endsWith(".parquet")) continue;
                long rows;
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(st.getPath(), hadoop))) {
                    rows = reader.getRecordCount();
                }
                shards.add(new Manifest.Shard(ShardSchema.SPLIT + "=" + SPLIT + "/" + name, SPLIT, rows, st.getLen(), ""));
            }
            return shards;
        } catch (IOException e) {
            throw new UncheckedIOException("listing the staged shards in " + dir, e);
        }
    }

    private static MapPartitionsFunction<Row, Row> shardRows(ImageInput input, String labelCol, int label) {
        return it -> {
            ImageCodec codec = new ImageCodec();
            int partition = TaskContext.get() == null ? 0 : TaskContext.get().partitionId();
            EncodedRows one = new EncodedRows(0, 1);
            return new Iterator<>() {
                long i;

                @Override
                public boolean hasNext() { return it.hasNext(); }

                @Override
                public Row next() {
                    Row r = it.next();
                    int channels = input.fill(r, one, 0, "partition " + partition + " row " + i++, codec);
                    String key = one.keys[0];
                    RgbImage img;
                    try {
                        img = EncodingPolicy.decodePayload(one.images[0], one.encodings[0], one.widths[0], one.heights[0], codec);
                    } catch (RejectedException | IllegalArgumentException e) {
                        throw new IllegalArgumentException("image column '" + input.column() + "', row " + key
                                + ": does not decode: " + e.getMessage(), e);
                    }
                    PixelStats stats = PixelStats.of(img);
                    return RowFactory.create(key, SPLIT, one.images[0], one.encodings[0], one.heights[0], one.widths[0],
                            channels, boxed(stats.sum()), boxed(stats.sumSq()), stats.count(), classIndex(r, label, labelCol, key));
                }
            };
        };
    }

    /** The label as a class index: a whole number in [0, 2^31); anything else names the row. */
    static int classIndex(Row r, int label, String labelCol, String key) {
        if (r.isNullAt(label)) throw new IllegalArgumentException("label column '" + labelCol + "', row " + key + ": is null");
        double v = ((Number) r.get(label)).doubleValue();
        if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("label column '" + labelCol + "', row " + key + ": " + v
                    + " is not a class index (a whole number >= 0)");
        }
        return (int) v;
    }


    private static Double[] boxed(double[] v) {
        Double[] o = new Double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i];
        return o;
    }
}
