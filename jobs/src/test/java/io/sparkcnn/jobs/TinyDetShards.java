package io.sparkcnn.jobs;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.detect.AnchorSpec;
import io.sparkcnn.model.detect.FeatureMapAnchors;
import io.sparkcnn.model.detect.SsdHeads;
import io.sparkcnn.model.detect.SsdLoss;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.tensor.Shape;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small learnable detection dataset written as data-prep writes COCO shards ({@link TestShardTable}):
 * raw RGB images of WIDTH x HEIGHT (stored size, not the 32x32 network input, so that evaluation has to
 * map boxes back), a gray noisy background with 0 to 3 squares, red (class 0, COCO id 3) or blue
 * (class 1, COCO id 7), with their boxes (x, y, w, h), areas and crowd flags. Every fifth image has no
 * box; train row 3 marks a cluster of its squares as one crowd region; train row 1 also holds a box
 * reaching past the image (clipped) and one of zero area (dropped). A manifest of task detection.
 */
public final class TinyDetShards {
    public static final int WIDTH = 40, HEIGHT = 36, INPUT = 32, CLASSES = 2;
    public static final int[] CATEGORY_IDS = {3, 7};

    /** One image's objects as the shard stores them. */
    public record Objects(List<Integer> labels, List<Float> boxes, List<Float> areas, List<Integer> crowd) {}

    private TinyDetShards() {}

    public static String write(SparkSession spark, String root, int trainRows, int testRows) throws IOException {
        return write(spark, root, trainRows, testRows, -1);
    }

    /** badRow >= 0: that train row's first object has obj_label 5, outside the 2 classes. */
    public static String write(SparkSession spark, String root, int trainRows, int testRows, int badRow) throws IOException {
        return write(spark, root, trainRows, testRows, badRow, false);
    }

    /** boxless: no train image has a box (the test split is as usual). */
    public static String write(SparkSession spark, String root, int trainRows, int testRows, int badRow, boolean boxless)
            throws IOException {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        for (String split : List.of("train", "test")) {
            int n = split.equals("train") ? trainRows : testRows;
            List<Row> r = new ArrayList<>();
            for (int i = 0; i < n; i++) r.add(row(split, i, split.equals("train") && i == badRow, boxless && split.equals("train")));
            rows.put(split, r);
        }
        Map<Integer, String> classes = new LinkedHashMap<>();
        classes.put(0, "red (id 3)");
        classes.put(1, "blue (id 7)");
        StructType schema = TestShardTable.imageSchema(ShardSchema.IMAGE_ID, DataTypes.LongType)
                .add(ShardSchema.OBJ_LABEL, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add(ShardSchema.OBJ_CATEGORY_ID, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add(ShardSchema.OBJ_BBOX, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(ShardSchema.OBJ_AREA, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(ShardSchema.OBJ_ISCROWD, DataTypes.createArrayType(DataTypes.IntegerType, false), false);
        return TestShardTable.write(spark, root, schema, rows, 2, "tinydet", Task.DETECTION, classes, 0.45, 0.25);
    }

    /** The dataset's image id of row (split, i). */
    public static long imageId(String split, int i) { return (split.equals("train") ? 100_000L : 900_000L) + 7L * i; }

    /** The objects of image (split, i), as stored. */
    public static Objects objects(String split, int i) {
        List<Integer> labels = new ArrayList<>(), crowd = new ArrayList<>();
        List<Float> boxes = new ArrayList<>(), areas = new ArrayList<>();
        if (i % 5 != 4) {
            SplittableRandom r = new SplittableRandom(split.hashCode() * 131L + i);
            int n = 1 + r.nextInt(3);
            List<int[]> placed = new ArrayList<>();
            for (int k = 0, tries = 0; k < n && tries < 50; tries++) {
                int s = 8 + r.nextInt(7), x = r.nextInt(WIDTH - s + 1), y = r.nextInt(HEIGHT - s + 1);
                boolean overlaps = false;
                for (int[] p : placed) overlaps |= x < p[0] + p[2] + 1 && p[0] < x + s + 1 && y < p[1] + p[2] + 1 && p[1] < y + s + 1;
                if (overlaps) continue;
                placed.add(new int[] {x, y, s});
                labels.add(r.nextInt(CLASSES));
                boxes.addAll(List.of((float) x, (float) y, (float) s, (float) s));
                areas.add((float) (s * s));
                crowd.add(0);
                k++;
            }
        }
        if (split.equals("train") && i == 3) { // the squares of this image as one crowd region too
            labels.add(labels.isEmpty() ? 0 : labels.get(0));
            boxes.addAll(List.of(0f, 0f, (float) WIDTH, (float) HEIGHT / 2));
            areas.add(WIDTH * HEIGHT / 4f);
            crowd.add(1);
        }
        return new Objects(labels, boxes, areas, crowd);
    }

    private static Row row(String split, int i, boolean badLabel, boolean boxless) {
        Objects o = boxless ? new Objects(List.of(), List.of(), List.of(), List.of()) : objects(split, i);
        SplittableRandom noise = new SplittableRandom(split.hashCode() * 7L + i);
        byte[] px = new byte[WIDTH * HEIGHT * 3];
        for (int p = 0; p < WIDTH * HEIGHT; p++) {
            int v = 100 + noise.nextInt(41);
            for (int c = 0; c < 3; c++) px[p * 3 + c] = (byte) v;
        }
        for (int k = 0; k < o.labels().size(); k++) {
            if (o.crowd().get(k) == 1) continue;
            int x0 = Math.round(o.boxes().get(4 * k)), y0 = Math.round(o.boxes().get(4 * k + 1)), s = Math.round(o.boxes().get(4 * k + 2));
            int[] rgb = o.labels().get(k) == 0 ? new int[] {230, 30, 30} : new int[] {30, 30, 230};
            for (int y = y0; y < y0 + s; y++) {
                for (int x = x0; x < x0 + s; x++) {
                    for (int c = 0; c < 3; c++) px[(y * WIDTH + x) * 3 + c] = (byte) rgb[c];
                }
            }
        }
        List<Integer> labels = new ArrayList<>(o.labels()), crowd = new ArrayList<>(o.crowd());
        List<Float> boxes = new ArrayList<>(o.boxes()), areas = new ArrayList<>(o.areas());
        if (split.equals("train") && i == 1 && !boxless) { // one box past the right edge (clipped), one of zero area (dropped)
            labels.addAll(List.of(1, 0));
            boxes.addAll(List.of(WIDTH - 4f, 2f, 10f, 6f, 5f, 5f, 0f, 3f));
            areas.addAll(List.of(60f, 0f));
            crowd.addAll(List.of(0, 0));
        }
        if (badLabel && !labels.isEmpty()) labels.set(0, 5);
        List<Integer> categories = labels.stream().map(l -> l < CLASSES ? CATEGORY_IDS[l] : 99).toList();
        return RowFactory.create(split + "/img_" + i + ".jpg", split, px, ShardSchema.ENC_RAW, HEIGHT, WIDTH, 3,
                imageId(split, i), labels, categories, boxes, areas, crowd);
    }

    /** The anchors of the tiny detector: a 4x4 map (stride 8, boxes 10 and sqrt(10*16)) and a 2x2 one (stride 16, 18). */
    public static AnchorSpec anchors() {
        return new AnchorSpec(INPUT, INPUT, List.of(new FeatureMapAnchors(4, 4, 8, 10, 16, new float[] {1}),
                new FeatureMapAnchors(2, 2, 16, 18, 0, new float[] {1})));
    }

    /** A tiny SSD on 32x32 RGB: three stride-2 convolutions to the 4x4 map, one more to the 2x2, SSD heads, the ssd loss. */
    public static NetworkSpec network(AnchorSpec anchors, int classes) {
        NetworkSpec.Builder b = NetworkSpec.builder("tinydet", Shape.of(3, INPUT, INPUT))
                .add("c1", Conv.conv2d(8, 3, 2, 1)).add("r1", Activate.relu())
                .add("c2", Conv.conv2d(12, 3, 2, 1)).add("r2", Activate.relu())
                .add("c3", Conv.conv2d(16, 3, 2, 1)).add("r3", Activate.relu())
                .add("c4", Conv.conv2d(16, 3, 2, 1)).add("r4", Activate.relu());
        return SsdHeads.build(b, List.of("r3", "r4"), new SsdLoss(anchors, classes), 3);
    }

    /** The detector as a network config file's text. */
    public static String networkConfig() { return NetworkConfig.write(network(anchors(), CLASSES)); }
}
