package io.sparkcnn.model.augment;

import java.util.SplittableRandom;

/**
 * Segmentation training augmentation: a random scale in [scaleMin, scaleMax], a random crop of
 * (cropWidth x cropHeight) of the scaled image (padded where the scaled image is smaller) and a
 * left-right flip with probability 1/2, drawn once and applied to the image and its mask alike
 * (see {@link PairedTransform}). Draws come only from the generator passed in, so a seed per example
 * gives the same pair on any executor and on a retry.
 */
public record PairedAugmentation(int cropWidth, int cropHeight, double scaleMin, double scaleMax,
        boolean horizontalFlip) {

    public PairedAugmentation {
        if (cropWidth <= 0 || cropHeight <= 0) {
            throw new IllegalArgumentException("crop must be positive, got " + cropWidth + "x" + cropHeight);
        }
        if (!(scaleMin > 0) || !(scaleMax >= scaleMin)) {
            throw new IllegalArgumentException("scale range must satisfy 0 < scaleMin <= scaleMax, got [" + scaleMin
                    + ", " + scaleMax + "]");
        }
    }

    /** The geometry for one example of size (srcWidth x srcHeight). */
    public PairGeometry draw(int srcWidth, int srcHeight, SplittableRandom r) {
        double scale = scaleMin == scaleMax ? scaleMin : scaleMin + r.nextDouble() * (scaleMax - scaleMin);
        int sw = Math.max(1, (int) Math.round(srcWidth * scale));
        int sh = Math.max(1, (int) Math.round(srcHeight * scale));
        int x = offset(sw, cropWidth, r);
        int y = offset(sh, cropHeight, r);
        boolean flip = horizontalFlip && r.nextBoolean();
        return new PairGeometry(srcWidth, srcHeight, sw, sh, x, y, cropWidth, cropHeight, flip);
    }

    // a crop inside a larger side, or the side placed at random inside a larger crop (negative offset: padding)
    private static int offset(int side, int crop, SplittableRandom r) {
        return side >= crop ? r.nextInt(side - crop + 1) : -r.nextInt(crop - side + 1);
    }
}
