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
 * A small learnable video dataset written as data-prep writes Kinetics shards ({@link TestShardTable}):
 * raw uint8 THWC clips of FRAMES frames of SIZE x SIZE, num_frames and label columns, keys named as
 * Kinetics clips ({@code <split>/<label>/<youtube_id>_<start>_<end>.mp4}). The class is the motion of the
 * brightness over time: brightening, darkening or steady; every clip's level starts at random, so one
 * frame alone says little.
 */
public final class TinyVideoShards {
    public static final int FRAMES = 5, SIZE = 14, CLASSES = 3;
    static final List<String> NAMES = List.of("brightening", "darkening", "steady");

    /** A deliberately bad train row. */
    enum Bad { NONE, TRUNCATED_PAYLOAD }

    private TinyVideoShards() {}

    public static String write(SparkSession spark, String root, int trainRows, int testRows) throws IOException {
        return write(spark, root, trainRows, testRows, -1, Bad.NONE);
    }

    static String write(SparkSession spark, String root, int trainRows, int testRows, int badRow, Bad bad) throws IOException {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        for (String split : List.of("train", "test")) {
            int n = split.equals("train") ? trainRows : testRows;
            List<Row> r = new ArrayList<>();
            for (int i = 0; i < n; i++) r.add(row(split, i, split.equals("train") && i == badRow ? bad : Bad.NONE));
            rows.put(split, r);
        }
        Map<Integer, String> classes = new LinkedHashMap<>();
        for (int c = 0; c < CLASSES; c++) classes.put(c, NAMES.get(c));
        return TestShardTable.write(spark, root, TestShardTable.imageSchema(ShardSchema.LABEL, DataTypes.IntegerType)
                .add(ShardSchema.NUM_FRAMES, DataTypes.IntegerType, false), rows, 2, "tinyvideo", Task.VIDEO, classes, 0.5, 0.25);
    }

    static int label(int i) { return i % CLASSES; }

    /** The youtube id of clip i: 11 characters as Kinetics'. */
    static String youtubeId(String split, int i) { return String.format("%s%08d", split.substring(0, 3), i); }

    static String key(String split, int i) {
        return String.format("%s/%s/%s_%06d_%06d.mp4", split, NAMES.get(label(i)), youtubeId(split, i), 10 * i, 10 * i + 10);
    }

    /** Frames THWC uint8: level + slope * t per pixel plus noise; slope +18, -18 or 0 by class. */
    static byte[] pixels(String split, int i, int frames, int size) {
        SplittableRandom r = new SplittableRandom(split.hashCode() * 31L + i);
        int slope = new int[] {18, -18, 0}[label(i)];
        int level = 60 + r.nextInt(130);
        byte[] px = new byte[frames * size * size * 3];
        for (int t = 0; t < frames; t++) {
            for (int p = 0; p < size * size; p++) {
                int v = Math.max(0, Math.min(255, level + slope * (t - frames / 2) + r.nextInt(21) - 10));
                for (int c = 0; c < 3; c++) px[(t * size * size + p) * 3 + c] = (byte) v;
            }
        }
        return px;
    }

    private static Row row(String split, int i, Bad bad) {
        byte[] px = pixels(split, i, FRAMES, SIZE);
        if (bad == Bad.TRUNCATED_PAYLOAD) px = java.util.Arrays.copyOf(px, px.length - 7);
        return RowFactory.create(key(split, i), split, px, ShardSchema.ENC_RAW, SIZE, SIZE, 3, label(i), FRAMES);
    }

    /** A tiny 3-D net on clips of 3 frames of 12x12: one space-time convolution, a global pool, the classifier (no loss: the task adds it). */
    public static String networkConfig() {
        return """
                network {
                  name = tiny3d
                  input = [3, 3, 12, 12]
                  layers = [
                    { type = conv3d, name = conv1, filters = 4, kernel = [3, 3, 3], padding = [0, 1, 1] }
                    { type = relu }
                    { type = global_avgpool, name = pool }
                    { type = dense, name = logits, units = 3 }
                  ]
                }
                """;
    }
}
