package io.sparkcnn.model.augment;

/**
 * One drawn geometric transform shared by an image and its label mask: the source (srcWidth x srcHeight)
 * is scaled to (scaledWidth x scaledHeight), a (cropWidth x cropHeight) window at (cropX, cropY) of the
 * scaled image is taken (negative or past the edge: padding), then mirrored left-right when flip.
 */
public record PairGeometry(int srcWidth, int srcHeight, int scaledWidth, int scaledHeight, int cropX, int cropY,
        int cropWidth, int cropHeight, boolean flip) {

    public PairGeometry {
        if (srcWidth <= 0 || srcHeight <= 0 || scaledWidth <= 0 || scaledHeight <= 0 || cropWidth <= 0
                || cropHeight <= 0) {
            throw new IllegalArgumentException("bad pair geometry " + this);
        }
    }

    /** No scaling, no flip: the top-left crop (or padding) of the source. */
    public static PairGeometry identity(int srcWidth, int srcHeight, int cropWidth, int cropHeight) {
        return new PairGeometry(srcWidth, srcHeight, srcWidth, srcHeight, 0, 0, cropWidth, cropHeight, false);
    }

    /** Evaluation: the whole source resized to (outWidth x outHeight), no crop, no flip. */
    public static PairGeometry resize(int srcWidth, int srcHeight, int outWidth, int outHeight) {
        return new PairGeometry(srcWidth, srcHeight, outWidth, outHeight, 0, 0, outWidth, outHeight, false);
    }

    /** x in the scaled image that output column ox reads (may lie outside it: padding). */
    int scaledX(int ox) {
        return cropX + (flip ? cropWidth - 1 - ox : ox);
    }

    int scaledY(int oy) {
        return cropY + oy;
    }

    /** Continuous source x of a scaled-pixel centre, half-pixel aligned (as the project's bilinear resampler). */
    double sourceX(int sx) {
        return (sx + 0.5) * srcWidth / scaledWidth - 0.5;
    }

    double sourceY(int sy) {
        return (sy + 0.5) * srcHeight / scaledHeight - 0.5;
    }

    /** Nearest source column of a scaled-pixel centre: always one of the two the bilinear sample reads. */
    int nearestX(int sx) {
        return Math.min(srcWidth - 1, (int) ((sx + 0.5) * srcWidth / scaledWidth));
    }

    int nearestY(int sy) {
        return Math.min(srcHeight - 1, (int) ((sy + 0.5) * srcHeight / scaledHeight));
    }
}
