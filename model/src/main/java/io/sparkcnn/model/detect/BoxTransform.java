package io.sparkcnn.model.detect;

import io.sparkcnn.model.augment.PairGeometry;

import java.util.ArrayList;
import java.util.List;

/**
 * Moves boxes with a {@link PairGeometry}, in the continuous pixel coordinates the image
 * resampler uses ({@link io.sparkcnn.model.augment.PairedTransform}): source x becomes
 * x scaledWidth / srcWidth - cropX, mirrored to cropWidth - x when flipped. A box is then clipped
 * to the output and dropped when less than minVisible of its moved area (or no area) is left.
 */
public final class BoxTransform {
    private BoxTransform() {}

    /** One box through the geometry, not clipped. */
    public static Box apply(PairGeometry g, Box b) {
        double sx = (double) g.scaledWidth() / g.srcWidth(), sy = (double) g.scaledHeight() / g.srcHeight();
        double x1 = b.x1() * sx - g.cropX(), x2 = b.x2() * sx - g.cropX();
        double y1 = b.y1() * sy - g.cropY(), y2 = b.y2() * sy - g.cropY();
        if (g.flip()) {
            double f1 = g.cropWidth() - x2, f2 = g.cropWidth() - x1;
            x1 = f1;
            x2 = f2;
        }
        return new Box((float) x1, (float) y1, (float) x2, (float) y2);
    }

    /** The ground truth through the geometry: clipped, boxes under minVisible of their area dropped. */
    public static GroundTruth apply(PairGeometry g, GroundTruth gt, float minVisible) {
        if (!(minVisible > 0) || minVisible > 1) {
            throw new IllegalArgumentException("the visible fraction a box keeps must be in (0, 1], got " + minVisible);
        }
        List<Box> kept = new ArrayList<>();
        int[] labels = new int[gt.size()];
        boolean[] crowd = new boolean[gt.size()];
        for (int i = 0; i < gt.size(); i++) {
            Box m = apply(g, gt.box(i));
            Box c = new Box(clamp(m.x1(), g.cropWidth()), clamp(m.y1(), g.cropHeight()), clamp(m.x2(), g.cropWidth()),
                    clamp(m.y2(), g.cropHeight()));
            if (c.area() <= 0 || c.area() < minVisible * m.area()) continue;
            labels[kept.size()] = gt.label(i);
            crowd[kept.size()] = gt.isCrowd(i);
            kept.add(c);
        }
        int k = kept.size();
        return new GroundTruth(kept, java.util.Arrays.copyOf(labels, k), java.util.Arrays.copyOf(crowd, k));
    }

    /**
     * A box in the pixels of an image resized from (srcWidth x srcHeight) to the network input
     * (outWidth x outHeight) back in the source's pixels (detections -> original image coordinates).
     */
    public static Box unresize(Box b, int srcWidth, int srcHeight, int outWidth, int outHeight) {
        double sx = (double) srcWidth / outWidth, sy = (double) srcHeight / outHeight;
        return new Box((float) (b.x1() * sx), (float) (b.y1() * sy), (float) (b.x2() * sx), (float) (b.y2() * sy));
    }

    private static float clamp(float v, int max) { return Math.max(0f, Math.min(v, max)); }
}
