package io.sparkcnn.jobs;

import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
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
 * A small learnable segmentation dataset written as data-prep writes segmentation shards
 * ({@link TestShardTable}): raw RGB 16x16 images and 8-bit PNG masks of train ids (the mask column), a manifest of
 * task segmentation. Each scene is a mid-gray noisy background (class 0) with a bright
 * rectangle (class 1) and a dark one (class 2), each ringed by one pixel of ignore (255).
 */
public final class TinySegShards {
    public static final int SIZE = 16;
    public static final int CLASSES = 3;

    private TinySegShards() {}

    public static String write(SparkSession spark, String root, int trainRows, int testRows) throws IOException {
        return write(spark, root, trainRows, testRows, -1);
    }

    /** badRow >= 0: that train row's mask is one pixel narrower than its image. */
    public static String write(SparkSession spark, String root, int trainRows, int testRows, int badRow) throws IOException {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        for (String split : List.of("train", "test")) {
            int n = split.equals("train") ? trainRows : testRows;
            List<Row> r = new ArrayList<>();
            for (int i = 0; i < n; i++) r.add(row(split, i, split.equals("train") && i == badRow));
            rows.put(split, r);
        }
        Map<Integer, String> classes = new LinkedHashMap<>();
        classes.put(0, "background");
        classes.put(1, "bright");
        classes.put(2, "dark");
        return TestShardTable.write(spark, root, TestShardTable.imageSchema(ShardSchema.MASK, DataTypes.BinaryType),
                rows, 2, "tinyseg", Task.SEGMENTATION, classes, 0.45, 0.25);
    }

    /** The train ids of scene (split, i), row-major SIZE x SIZE. */
    public static int[] mask(String split, int i) {
        SplittableRandom r = new SplittableRandom(split.hashCode() * 131L + i);
        int[] m = new int[SIZE * SIZE];
        for (int cls = 1; cls <= 2; cls++) {
            int w = 4 + r.nextInt(5), h = 4 + r.nextInt(5);
            int x0 = r.nextInt(SIZE - w + 1), y0 = r.nextInt(SIZE - h + 1);
            for (int y = Math.max(0, y0 - 1); y < Math.min(SIZE, y0 + h + 1); y++) {
                for (int x = Math.max(0, x0 - 1); x < Math.min(SIZE, x0 + w + 1); x++) {
                    boolean inside = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
                    m[y * SIZE + x] = inside ? cls : 255;
                }
            }
        }
        return m;
    }

    private static Row row(String split, int i, boolean badMask) {
        int[] mask = mask(split, i);
        SplittableRandom noise = new SplittableRandom(split.hashCode() * 7L + i);
        byte[] px = new byte[SIZE * SIZE * 3];
        for (int p = 0; p < SIZE * SIZE; p++) {
            int base = mask[p] == 1 ? 210 : mask[p] == 2 ? 30 : 120;
            int v = Math.max(0, Math.min(255, base + noise.nextInt(41) - 20));
            for (int c = 0; c < 3; c++) px[p * 3 + c] = (byte) v;
        }
        GrayImage g = new GrayImage(SIZE, SIZE, mask);
        if (badMask) {
            int[] narrow = new int[(SIZE - 1) * SIZE];
            for (int y = 0; y < SIZE; y++) System.arraycopy(mask, y * SIZE, narrow, y * (SIZE - 1), SIZE - 1);
            g = new GrayImage(SIZE - 1, SIZE, narrow);
        }
        return RowFactory.create(split + "/scene_" + i + "_leftImg8bit.png", split, px, ShardSchema.ENC_RAW, SIZE, SIZE, 3,
                ImageCodec.encodeGrayPng(g));
    }

    /** A tiny fully convolutional net that keeps the 16x16 size (no loss: the task adds its per-pixel one). */
    public static String networkConfig() {
        return """
                network {
                  name = tinyseg
                  input = [3, 16, 16]
                  layers = [
                    { type = conv2d, name = conv1, filters = 6, kernel = 3, padding = 1 }
                    { type = relu }
                    { type = conv2d, name = logits, filters = 3, kernel = 3, padding = 1 }
                  ]
                }
                """;
    }

    /** The same net with a 2x2 pool: its 8x8 output cannot match the 16x16 masks. */
    public static String pooledNetworkConfig() {
        return """
                network {
                  name = tinyseg_pooled
                  input = [3, 16, 16]
                  layers = [
                    { type = conv2d, name = conv1, filters = 6, kernel = 3, padding = 1 }
                    { type = maxpool2d, name = pool, kernel = 2 }
                    { type = conv2d, name = logits, filters = 3, kernel = 3, padding = 1 }
                  ]
                }
                """;
    }
}
