package io.sparkcnn.model.augment;

import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.RgbImage;

/**
 * Applies a {@link PairGeometry} to an image (bilinear, half-pixel centres, edges clamped) and to its
 * label mask (nearest neighbour: every output label is a label of the source, so 255 stays 255 and no
 * class is invented at a boundary). Where the crop runs past the scaled image, the image gets
 * {@code imagePad} and the mask the ignore label, so padding never trains a class.
 * {@link #image} and {@link #mask} write into caller arrays at offsets and allocate nothing.
 */
public final class PairedTransform {
    private PairedTransform() {}

    /**
     * Image as float planes (channels, srcHeight, srcWidth) at srcOff -> (channels, cropHeight, cropWidth)
     * at dstOff.
     */
    public static void image(PairGeometry g, float[] src, int srcOff, int channels, float[] dst, int dstOff,
            float imagePad) {
        int w = g.srcWidth();
        int h = g.srcHeight();
        int plane = w * h;
        int outPlane = g.cropWidth() * g.cropHeight();
        if (src.length < srcOff + channels * plane || dst.length < dstOff + channels * outPlane) {
            throw new IllegalArgumentException("image arrays too small for " + channels + "x" + h + "x" + w + " -> "
                    + channels + "x" + g.cropHeight() + "x" + g.cropWidth());
        }
        for (int oy = 0; oy < g.cropHeight(); oy++) {
            int sy = g.scaledY(oy);
            boolean rowInside = sy >= 0 && sy < g.scaledHeight();
            double fy = rowInside ? clamp(g.sourceY(sy), h - 1) : 0;
            int y1 = (int) fy;
            int y2 = Math.min(y1 + 1, h - 1);
            float wy = (float) (fy - y1);
            for (int ox = 0; ox < g.cropWidth(); ox++) {
                int o = dstOff + oy * g.cropWidth() + ox;
                int sx = g.scaledX(ox);
                if (!rowInside || sx < 0 || sx >= g.scaledWidth()) {
                    for (int c = 0; c < channels; c++) dst[o + c * outPlane] = imagePad;
                    continue;
                }
                double fx = clamp(g.sourceX(sx), w - 1);
                int x1 = (int) fx;
                int x2 = Math.min(x1 + 1, w - 1);
                float wx = (float) (fx - x1);
                for (int c = 0; c < channels; c++) {
                    int base = srcOff + c * plane;
                    float a = src[base + y1 * w + x1];
                    float b = src[base + y1 * w + x2];
                    float d = src[base + y2 * w + x1];
                    float e = src[base + y2 * w + x2];
                    float top = a + (b - a) * wx;
                    float bottom = d + (e - d) * wx;
                    dst[o + c * outPlane] = top + (bottom - top) * wy;
                }
            }
        }
    }

    /** Mask (srcHeight x srcWidth) at srcOff -> (cropHeight x cropWidth) at dstOff, nearest neighbour. */
    public static void mask(PairGeometry g, int[] src, int srcOff, int[] dst, int dstOff, int ignoreLabel) {
        int w = g.srcWidth();
        if (src.length < srcOff + w * g.srcHeight() || dst.length < dstOff + g.cropWidth() * g.cropHeight()) {
            throw new IllegalArgumentException("mask arrays too small for " + g.srcHeight() + "x" + w + " -> "
                    + g.cropHeight() + "x" + g.cropWidth());
        }
        for (int oy = 0; oy < g.cropHeight(); oy++) {
            int sy = g.scaledY(oy);
            boolean rowInside = sy >= 0 && sy < g.scaledHeight();
            int y = rowInside ? g.nearestY(sy) : 0;
            for (int ox = 0; ox < g.cropWidth(); ox++) {
                int sx = g.scaledX(ox);
                int o = dstOff + oy * g.cropWidth() + ox;
                dst[o] = rowInside && sx >= 0 && sx < g.scaledWidth() ? src[srcOff + y * w + g.nearestX(sx)]
                        : ignoreLabel;
            }
        }
    }

    /**
     * An RGB image and its mask, which must have the image's size: the image becomes (3, cropHeight,
     * cropWidth) floats in [0, 1] at dstOff, the mask cropHeight x cropWidth labels at maskOff.
     */
    public static void pair(PairGeometry g, RgbImage image, GrayImage mask, float[] dst, int dstOff, int[] dstMask,
            int maskOff, float imagePad, int ignoreLabel) {
        requireSameSize(image, mask, g);
        image(g, toPlanes(image), 0, 3, dst, dstOff, imagePad);
        mask(g, mask.values(), 0, dstMask, maskOff, ignoreLabel);
    }

    /** A mask that does not match its image is a data error, never silently cropped. */
    public static void requireSameSize(RgbImage image, GrayImage mask, PairGeometry g) {
        if (image.width() != mask.width() || image.height() != mask.height()) {
            throw new IllegalArgumentException("mask is " + mask.width() + "x" + mask.height() + ", its image is "
                    + image.width() + "x" + image.height());
        }
        if (g.srcWidth() != image.width() || g.srcHeight() != image.height()) {
            throw new IllegalArgumentException("geometry drawn for " + g.srcWidth() + "x" + g.srcHeight()
                    + ", image is " + image.width() + "x" + image.height());
        }
    }

    /** HWC uint8 -> CHW floats in [0, 1]. */
    public static float[] toPlanes(RgbImage image) {
        int plane = image.width() * image.height();
        byte[] p = image.pixels();
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) out[c * plane + i] = (p[i * 3 + c] & 0xff) * (1f / 255f);
        }
        return out;
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }
}
