package io.sparkcnn.jobs.data;

/**
 * A block of shard rows as read, images still encoded: what a worker keeps in memory. Row i
 * is split row {@code firstRow + i}.
 */
public final class EncodedRows {
    public final long firstRow;
    public final String[] keys;
    public final byte[][] images;
    public final String[] encodings;
    public final int[] heights;
    public final int[] widths;
    public final int[] labels;
    /** Segmentation rows: the PNG mask of train ids; null entries for classification rows. */
    public final byte[][] masks;
    /** Detection rows: the dataset's image id and the object columns as stored (null for other tasks). */
    public final long[] imageIds;
    /** Per row, per object: contiguous class 0..K-1, box x y w h (stored pixels), annotated area, crowd flag. */
    public final int[][] objLabels, objCrowd;
    public final float[][] objBoxes, objAreas;
    /** Video rows: the frames stored in the image payload (num_frames); 1 for other tasks. */
    public final int[] frames;

    public EncodedRows(long firstRow, int n) {
        this.firstRow = firstRow;
        keys = new String[n];
        images = new byte[n][];
        encodings = new String[n];
        heights = new int[n];
        widths = new int[n];
        labels = new int[n];
        masks = new byte[n][];
        imageIds = new long[n];
        objLabels = new int[n][];
        objCrowd = new int[n][];
        objBoxes = new float[n][];
        objAreas = new float[n][];
        frames = new int[n];
        java.util.Arrays.fill(frames, 1);
    }

    public int size() { return keys.length; }

    /** Bytes held, for cache accounting. */
    public long bytes() {
        long b = 0;
        for (byte[] im : images) b += im == null ? 0 : im.length;
        for (byte[] m : masks) b += m == null ? 0 : m.length;
        for (int i = 0; i < keys.length; i++) {
            if (objLabels[i] != null) b += 4L * (objLabels[i].length + objCrowd[i].length + objBoxes[i].length + objAreas[i].length);
        }
        return b + 64L * keys.length;
    }
}
