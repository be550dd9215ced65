package io.sparkcnn.model.metrics;

import java.util.List;

/**
 * The fixed parameters of pycocotools' COCOeval for boxes (Params.setDetParams), computed the way numpy's
 * linspace computes them (start + i * step, the last one exactly the end) so that a comparison at a
 * threshold falls on the same side as in Python.
 */
public final class CocoParams {
    private CocoParams() {}

    /** IoU thresholds .50:.05:.95. */
    public static final int IOUS = 10;
    /** Recall points 0:.01:1. */
    public static final int RECALLS = 101;
    /** Area ranges all, small, medium, large. */
    public static final int AREAS = 4;
    /** Detections per image and category: 1, 10, 100. */
    public static final int MAX_DETS_COUNT = 3;

    private static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, IOUS);
    private static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, RECALLS);
    private static final int[] MAX_DETS = {1, 10, 100};
    /** [lo, hi] per area range, both ends inclusive, on the ground truth's annotated area. */
    private static final double[][] AREA_RANGES = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};
    private static final List<String> AREA_LABELS = List.of("all", "small", "medium", "large");

    /** Index of IoU threshold .50 and .75 in {@link #iouThreshold}. */
    public static final int IOU_50 = 0, IOU_75 = 5;
    /** Area indices. */
    public static final int AREA_ALL = 0, AREA_SMALL = 1, AREA_MEDIUM = 2, AREA_LARGE = 3;

    public static double iouThreshold(int t) { return IOU_THRESHOLDS[t]; }

    public static double recallThreshold(int r) { return RECALL_THRESHOLDS[r]; }

    public static int maxDets(int m) { return MAX_DETS[m]; }

    /** The most detections per image and category any setting looks at (100). */
    public static int maxDetsLargest() { return MAX_DETS[MAX_DETS_COUNT - 1]; }

    public static double areaLow(int a) { return AREA_RANGES[a][0]; }

    public static double areaHigh(int a) { return AREA_RANGES[a][1]; }

    public static String areaLabel(int a) { return AREA_LABELS.get(a); }

    /** True when the area is outside range a (cocoeval: area &lt; lo or area &gt; hi). */
    public static boolean outside(double area, int a) {
        return area < AREA_RANGES[a][0] || area > AREA_RANGES[a][1];
    }

    private static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] v = new double[num];
        for (int i = 0; i < num; i++) v[i] = i * step + start;
        v[num - 1] = stop;
        return v;
    }
}
