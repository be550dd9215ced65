package io.sparkcnn.model.metrics;

/**
 * How a detection's (x1, y1, x2, y2) floats become the [x, y, w, h] doubles that COCO results files
 * hold and cocoeval computes with. The evaluation and the results writer both go through here, so
 * pycocotools reading the written file sees the very numbers this evaluation used.
 */
public final class CocoBox {
    private CocoBox() {}

    /** Width (or height) of the span lo..hi, in double as written to a results file. */
    public static double extent(float lo, float hi) {
        return (double) hi - (double) lo;
    }

    /**
     * cocoeval's box IoU (maskUtils.iou, bbIou) of a detection and a ground truth in [x, y, w, h]:
     * against a crowd region the union is the detection's own area.
     */
    public static double iou(double dx, double dy, double dw, double dh, double gx, double gy, double gw, double gh,
            boolean crowd) {
        double w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
        if (w <= 0) return 0;
        double h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h <= 0) return 0;
        double i = w * h;
        double da = dw * dh;
        double u = crowd ? da : da + gw * gh - i;
        return i / u;
    }
}
