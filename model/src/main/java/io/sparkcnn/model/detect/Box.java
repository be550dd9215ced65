package io.sparkcnn.model.detect;

/**
 * An axis-aligned box in pixels, corners (x1, y1) top-left and (x2, y2) bottom-right, continuous
 * coordinates (a box covering pixel columns 0..9 is x1 = 0, x2 = 10). Boxes with x2 &lt;= x1 or
 * y2 &lt;= y1 are allowed here (area 0); the code that takes ground truth refuses or drops them.
 */
public record Box(float x1, float y1, float x2, float y2) {

    /** From a COCO bbox [x, y, width, height]. */
    public static Box ofXywh(float x, float y, float width, float height) {
        return new Box(x, y, x + width, y + height);
    }

    public float width() { return x2 - x1; }

    public float height() { return y2 - y1; }

    /** Width times height, 0 for an empty or inverted box. */
    public float area() { return area(x1, y1, x2, y2); }

    /** Intersection over union, 0 when either box is empty. */
    public float iou(Box o) { return iou(x1, y1, x2, y2, o.x1, o.y1, o.x2, o.y2); }

    static float area(float x1, float y1, float x2, float y2) {
        return x2 > x1 && y2 > y1 ? (x2 - x1) * (y2 - y1) : 0f;
    }

    /** IoU of two corner boxes without allocating (the matcher's inner loop). */
    static float iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2) {
        float iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
        float ih = Math.min(ay2, by2) - Math.max(ay1, by1);
        if (iw <= 0f || ih <= 0f) return 0f;
        float inter = iw * ih;
        float union = area(ax1, ay1, ax2, ay2) + area(bx1, by1, bx2, by2) - inter;
        return union > 0f ? inter / union : 0f;
    }
}
