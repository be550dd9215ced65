package io.sparkcnn.model.detect;

import io.sparkcnn.model.augment.PairGeometry;

import java.util.SplittableRandom;

/**
 * SSD's photometric-free geometry (Liu et al. 2.2, as torchvision's RandomZoomOut + RandomIoUCrop):
 * <ol>
 * <li>zoom out with probability expandProbability: the image is placed at random on a canvas
 *     1..maxExpand times its size (the rest is padding), so objects become smaller;</li>
 * <li>a patch of the (expanded) image: one of "the whole image", minimum IoU 0.1, 0.3, 0.5, 0.7,
 *     0.9 with some non-crowd box whose centre lies in it, or any patch; sides in
 *     [minPatch, 1] of the image's, aspect ratio of the patch in [1/2, 2]; up to 50 tries, else
 *     the whole image. An image without boxes takes any patch;</li>
 * <li>the patch resized to the network input, mirrored left-right with probability 1/2.</li>
 * </ol>
 * The result is one {@link PairGeometry} for the image and, through {@link BoxTransform}, its boxes.
 */
public record SsdCropSampler(int outWidth, int outHeight, double expandProbability, double maxExpand, double minPatch,
        boolean horizontalFlip) {
    private static final double[] MIN_IOU = {-1, 0.1, 0.3, 0.5, 0.7, 0.9, 0};   // -1: the whole image
    private static final int TRIES = 50;

    public SsdCropSampler {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("augmentation: output size must be positive, got " + outWidth + "x" + outHeight);
        }
        if (!(expandProbability >= 0) || expandProbability > 1) {
            throw new IllegalArgumentException("augmentation: expand_probability must be in [0, 1], got " + expandProbability);
        }
        if (!(maxExpand >= 1) || Double.isInfinite(maxExpand)) {
            throw new IllegalArgumentException("augmentation: max_expand must be >= 1 and finite, got " + maxExpand);
        }
        if (!(minPatch > 0) || minPatch > 1) {
            throw new IllegalArgumentException("augmentation: min_patch must be in (0, 1], got " + minPatch);
        }
    }

    /** SSD's settings: zoom out half the time up to 4x, patches of at least 0.3 of a side, flips. */
    public static SsdCropSampler ssd(int outWidth, int outHeight) {
        return new SsdCropSampler(outWidth, outHeight, 0.5, 4, 0.3, true);
    }

    /** The geometry for an image of (srcWidth x srcHeight) with these boxes (its pixels). */
    public PairGeometry draw(int srcWidth, int srcHeight, GroundTruth gt, SplittableRandom r) {
        // canvas in source pixels: [ox, ox + cw) x [oy, oy + ch) with the image at [0, srcWidth) x [0, srcHeight)
        double cw = srcWidth, ch = srcHeight, ox = 0, oy = 0;
        if (expandProbability > 0 && maxExpand > 1 && r.nextDouble() < expandProbability) {
            double e = 1 + r.nextDouble() * (maxExpand - 1);
            cw = srcWidth * e;
            ch = srcHeight * e;
            ox = -r.nextDouble() * (cw - srcWidth);
            oy = -r.nextDouble() * (ch - srcHeight);
        }
        double[] patch = {ox, oy, cw, ch};
        double minIou = MIN_IOU[r.nextInt(MIN_IOU.length)];
        boolean anyBox = false;
        for (int i = 0; i < gt.size(); i++) anyBox |= !gt.isCrowd(i);
        if (minIou >= 0) {
            for (int t = 0; t < TRIES; t++) {
                double w = cw * (minPatch + r.nextDouble() * (1 - minPatch));
                double h = ch * (minPatch + r.nextDouble() * (1 - minPatch));
                if (h / w < 0.5 || h / w > 2) continue;
                double x = ox + r.nextDouble() * (cw - w), y = oy + r.nextDouble() * (ch - h);
                if (!anyBox || fits(gt, x, y, w, h, minIou)) {
                    patch = new double[] {x, y, w, h};
                    break;
                }
            }
        }
        boolean flip = horizontalFlip && r.nextBoolean();
        // the patch resized to the output: scale factors outWidth / w, outHeight / h
        double fx = outWidth / patch[2], fy = outHeight / patch[3];
        int sw = Math.max(1, (int) Math.round(srcWidth * fx)), sh = Math.max(1, (int) Math.round(srcHeight * fy));
        return new PairGeometry(srcWidth, srcHeight, sw, sh, (int) Math.round(patch[0] * fx), (int) Math.round(patch[1] * fy),
                outWidth, outHeight, flip);
    }

    // some non-crowd box has its centre in the patch and IoU >= minIou with it
    private static boolean fits(GroundTruth gt, double x, double y, double w, double h, double minIou) {
        Box p = new Box((float) x, (float) y, (float) (x + w), (float) (y + h));
        for (int i = 0; i < gt.size(); i++) {
            if (gt.isCrowd(i)) continue;
            Box b = gt.box(i);
            double cx = (b.x1() + b.x2()) / 2.0, cy = (b.y1() + b.y2()) / 2.0;
            if (cx > x && cx < x + w && cy > y && cy < y + h && p.iou(b) >= minIou) return true;
        }
        return false;
    }
}
