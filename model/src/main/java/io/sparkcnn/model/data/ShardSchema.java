package io.sparkcnn.model.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Column names and documented layout of the Parquet shards, per task. data-prep writes these
 * columns and the training jobs read them; neither depends on the other, both depend on this.
 *
 * <p>Common columns come first; the task's target columns follow. Image payloads are described by
 * {@code encoding}: {@code jpeg} or {@code png} bytes, or {@code raw} = uint8 RGB in HWC order.
 */
public final class ShardSchema {
    public static final String KEY = "key";
    public static final String SPLIT = "split";
    public static final String SOURCE = "source";
    public static final String SOURCE_FP = "source_fp";
    public static final String RUN_SEQ = "run_seq";
    public static final String SHUFFLE_KEY = "shuffle_key";
    public static final String IMAGE = "image";
    public static final String ENCODING = "encoding";
    public static final String HEIGHT = "height";
    public static final String WIDTH = "width";
    public static final String CHANNELS = "channels";
    public static final String STAT_SUM = "stat_sum";
    public static final String STAT_SUMSQ = "stat_sumsq";
    public static final String STAT_COUNT = "stat_count";
    // classification (also video)
    public static final String LABEL = "label";
    public static final String LABEL_NAME = "label_name";
    // segmentation
    public static final String MASK = "mask";
    public static final String INSTANCE = "instance";
    // detection
    public static final String IMAGE_ID = "image_id";
    public static final String OBJ_LABEL = "obj_label";
    public static final String OBJ_CATEGORY_ID = "obj_category_id";
    public static final String OBJ_BBOX = "obj_bbox";
    public static final String OBJ_AREA = "obj_area";
    public static final String OBJ_ISCROWD = "obj_iscrowd";
    public static final String OBJ_MASK = "obj_mask";
    public static final String OBJ_CLIPPED = "obj_clipped";
    // video
    public static final String NUM_FRAMES = "num_frames";

    /** Encodings that may appear in the {@code encoding} column. */
    public static final String ENC_JPEG = "jpeg";
    public static final String ENC_PNG = "png";
    public static final String ENC_RAW = "raw";

    private static final List<ShardColumn> COMMON = List.of(
            col(KEY, ColumnType.STRING, "unique row id: source path relative to the dataset root, plus #index for multi-record sources"),
            col(SPLIT, ColumnType.STRING, "train, val, test ...; every shard file holds one split only"),
            col(SOURCE, ColumnType.STRING, "source unit (relative path of its main file) whose change replaces this row"),
            col(SOURCE_FP, ColumnType.STRING, "fingerprint of the source unit's files (path, size, mtime) when this row was made"),
            col(RUN_SEQ, ColumnType.LONG, "sequence number of the prep run that wrote the row"),
            col(SHUFFLE_KEY, ColumnType.LONG, "xxhash64(key, seed): rows are sorted by it inside each shard and assigned to shards by it"),
            col(IMAGE, ColumnType.BINARY, "image payload (video: frames concatenated), see encoding"),
            col(ENCODING, ColumnType.STRING, "jpeg | png | raw (raw = uint8, HWC; video raw = THWC)"),
            col(HEIGHT, ColumnType.INT, "decoded height in pixels"),
            col(WIDTH, ColumnType.INT, "decoded width in pixels"),
            col(CHANNELS, ColumnType.INT, "decoded channels: 3 (RGB) for photos and video, 1 for idx digits (gray PNG or raw HW)"),
            col(STAT_SUM, ColumnType.DOUBLE_ARRAY, "per-channel sum of pixel values scaled to [0,1] (for the manifest's mean/std)"),
            col(STAT_SUMSQ, ColumnType.DOUBLE_ARRAY, "per-channel sum of squared scaled pixel values"),
            col(STAT_COUNT, ColumnType.LONG, "pixels counted in the sums"));

    private ShardSchema() {
    }

    /** All columns of a shard for the task, common ones first. */
    public static List<ShardColumn> columns(Task task) {
        List<ShardColumn> cols = new ArrayList<>(COMMON);
        switch (task) {
            case CLASSIFICATION -> {
                cols.add(col(LABEL, ColumnType.INT, "class index (dataset's documented order, e.g. sorted wnids)"));
                cols.add(col(LABEL_NAME, ColumnType.STRING, "class name (wnid, folder name, ...)"));
            }
            case SEGMENTATION -> {
                cols.add(col(MASK, ColumnType.BINARY, "PNG, 8-bit gray: train id per pixel (255 = ignore), same size as the image"));
                cols.add(nullable(INSTANCE, ColumnType.BINARY, "PNG, 16-bit gray: instance ids, only when asked for"));
            }
            case DETECTION -> {
                cols.add(col(IMAGE_ID, ColumnType.LONG, "dataset's image id"));
                cols.add(col(OBJ_LABEL, ColumnType.INT_ARRAY, "per object: contiguous class index 0..K-1"));
                cols.add(col(OBJ_CATEGORY_ID, ColumnType.INT_ARRAY, "per object: the dataset's original category id"));
                cols.add(col(OBJ_BBOX, ColumnType.FLOAT_ARRAY, "4 floats per object: x, y, w, h in pixels of the stored image, clipped to it"));
                cols.add(col(OBJ_AREA, ColumnType.FLOAT_ARRAY, "per object: annotated area (segmentation area) in original pixels"));
                cols.add(col(OBJ_ISCROWD, ColumnType.INT_ARRAY, "per object: 1 for crowd regions (ignored in evaluation)"));
                cols.add(col(OBJ_MASK, ColumnType.BINARY_ARRAY, "per object: PNG 8-bit 0/1 mask at stored image size"));
                cols.add(col(OBJ_CLIPPED, ColumnType.INT_ARRAY, "per object: 1 when the annotated box reached outside the image and was clipped"));
            }
            case VIDEO -> {
                cols.add(col(LABEL, ColumnType.INT, "class index = position of the label in the sorted label strings"));
                cols.add(col(LABEL_NAME, ColumnType.STRING, "label string"));
                cols.add(col(NUM_FRAMES, ColumnType.INT, "frames stored (T)"));
            }
            default -> throw new IllegalArgumentException("unknown task " + task);
        }
        return Collections.unmodifiableList(cols);
    }

    /** The columns every task has, in order. */
    public static List<ShardColumn> common() {
        return COMMON;
    }

    /** The task's target columns (those after the common ones). */
    public static List<ShardColumn> targets(Task task) {
        List<ShardColumn> all = columns(task);
        return all.subList(COMMON.size(), all.size());
    }

    /** Column names of the task, in order. */
    public static List<String> names(Task task) {
        return columns(task).stream().map(ShardColumn::name).toList();
    }

    private static ShardColumn col(String n, ColumnType t, String d) {
        return new ShardColumn(n, t, false, d);
    }

    private static ShardColumn nullable(String n, ColumnType t, String d) {
        return new ShardColumn(n, t, true, d);
    }
}
