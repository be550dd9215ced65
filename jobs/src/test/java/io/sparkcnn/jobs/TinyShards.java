package io.sparkcnn.jobs;

import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small learnable classification dataset written the way data-prep writes shards
 * ({@link TestShardTable}): raw RGB 12x12 images and class labels. Class c lights up quadrant c of the image, with noise.
 */
public final class TinyShards {
    public static final int SIZE = 12;
    public static final int CLASSES = 4;

    private TinyShards() {}

    public static String write(SparkSession spark, String root, int trainRows, int testRows) throws IOException {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        for (String split : List.of("train", "test")) {
            int n = split.equals("train") ? trainRows : testRows;
            List<Row> r = new ArrayList<>();
            for (int i = 0; i < n; i++) r.add(row(split, i));
            rows.put(split, r);
        }
        Map<Integer, String> classes = new LinkedHashMap<>();
        for (int c = 0; c < CLASSES; c++) classes.put(c, "quadrant" + c);
        return TestShardTable.write(spark, root, TestShardTable.imageSchema(ShardSchema.LABEL, DataTypes.IntegerType),
                rows, 3, "tiny", Task.CLASSIFICATION, classes, 0.3, 0.3);
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
