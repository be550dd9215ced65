package io.sparkcnn.jobs.data;

import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RejectedException;
import io.sparkcnn.model.data.RgbImage;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Stored image -> network input (C,H,W) floats: decode, crop/resize (random for training,
 * resize + center crop for evaluation), flip, color jitter, gray when C = 1, then
 * (x - mean) / std per channel. Training draws come from a generator seeded per example, so
 * the same seed gives the same augmented batch on any executor and on a retry.
 */
public final class ImageTransform implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int ATTEMPTS = 10;

    private final int channels, height, width;
    private final float[] mean, std;
    private final Augmentation augment;
    private final int evalResize;
    private transient ImageCodec codec;

    public ImageTransform(int[] inputShape, double[] mean, double[] std, Augmentation augment, int evalResize) {
        if (inputShape.length != 3 || (inputShape[0] != 1 && inputShape[0] != 3)) {
            throw new IllegalArgumentException("image input must be (1|3, H, W), got " + java.util.Arrays.toString(inputShape));
        }
        this.channels = inputShape[0];
        this.height = inputShape[1];
        this.width = inputShape[2];
        this.mean = perChannel(mean, channels, "mean");
        this.std = perChannel(std, channels, "std");
        for (float s : this.std) if (!(s > 0)) throw new IllegalArgumentException("std must be positive, got " + s);
        this.augment = augment;
        this.evalResize = evalResize;
    }

    /** 3 statistics for a gray input are averaged (gray shards hold R = G = B). */
    private static float[] perChannel(double[] v, int channels, String what) {
        if (v.length == channels) {
            float[] f = new float[channels];
            for (int i = 0; i < channels; i++) f[i] = (float) v[i];
            return f;
        }
        if (v.length == 3 && channels == 1) return new float[] {(float) ((v[0] + v[1] + v[2]) / 3)};
        if (v.length == 1) {
            float[] f = new float[channels];
            java.util.Arrays.fill(f, (float) v[0]);
            return f;
        }
        throw new IllegalArgumentException(what + " has " + v.length + " values for " + channels + " channels");
    }

    public int inputSize() { return channels * height * width; }

    /** Input channels: 1 (gray) or 3. */
    public int channels() { return channels; }

    /**
     * A whole image at its own size as normalised (C, h, w) input floats (gray when C = 1): the
     * form segmentation's paired transforms crop and scale together with the mask.
     */
    public float[] normalised(RgbImage img) {
        return normalisedPlanes(io.sparkcnn.model.augment.PairedTransform.toPlanes(img), img.width() * img.height());
    }

    private float[] normalisedPlanes(float[] rgb, int plane) {
        float[] out = new float[channels * plane];
        finish(rgb, plane, out, 0);
        return out;
    }

    /**
     * {@link #normalised} after the training colour jitter (brightness, contrast, saturation: the
     * same order and factors as {@link #train}), drawn from exampleSeed, on the whole stored image:
     * the photometric step of the paired tasks, whose geometry then moves image and targets
     * together. The jitter draws from a stream split off the seed's, so the geometry the caller
     * draws from {@code new SplittableRandom(exampleSeed)} is the same with jitter on or off.
     * Without jitter settings (evaluation's transform) it is {@link #normalised}.
     */
    public float[] jitteredNormalised(RgbImage img, long exampleSeed) {
        float[] rgb = io.sparkcnn.model.augment.PairedTransform.toPlanes(img);
        int plane = img.width() * img.height();
        if (augment.colorJitter()) jitter(rgb, plane, new SplittableRandom(exampleSeed).split());
        return normalisedPlanes(rgb, plane);
    }

    /** A training example: random crop/flip/jitter drawn from exampleSeed. */
    public void train(EncodedRows rows, int i, long exampleSeed, float[] dst, int off) {
        RgbImage img = decode(rows, i);
        SplittableRandom r = new SplittableRandom(exampleSeed);
        int w = img.width(), h = img.height();
        double x0 = 0, y0 = 0, cw = w, ch = h;
        if (augment.randomResizedCrop()) {
            double[] box = randomResizedCrop(w, h, r);
            x0 = box[0];
            y0 = box[1];
            cw = box[2];
            ch = box[3];
        }
        int shiftX = 0, shiftY = 0;
        if (augment.padCrop() > 0) {
            shiftX = r.nextInt(2 * augment.padCrop() + 1) - augment.padCrop();
            shiftY = r.nextInt(2 * augment.padCrop() + 1) - augment.padCrop();
        }
        boolean flip = augment.horizontalFlip() && r.nextBoolean();
        float[] rgb = sample(img, x0, y0, cw, ch, shiftX, shiftY, flip);
        if (augment.colorJitter()) jitter(rgb, height * width, r);
        finish(rgb, dst, off);
    }

    /** An evaluation example: shorter side to evalResize (if set), center crop to the input size. */
    public void eval(EncodedRows rows, int i, float[] dst, int off) { eval(decode(rows, i), dst, off); }

    /** {@link #eval} of a decoded image (an image file rather than a shard row). */
    public void eval(RgbImage img, float[] dst, int off) {
        int w = img.width(), h = img.height();
        double x0 = 0, y0 = 0, cw = w, ch = h;
        if (evalResize > 0) {
            double scale = (double) evalResize / Math.min(w, h);
            cw = Math.min(w, width / scale);
            ch = Math.min(h, height / scale);
            x0 = (w - cw) / 2;
            y0 = (h - ch) / 2;
        }
        finish(sample(img, x0, y0, cw, ch, 0, 0, false), dst, off);
    }

    /**
     * The input the network saw (inputSize floats from src[off]) as an RGB image of the input's
     * size: normalisation undone, clamped to [0, 255], gray replicated; what explain draws over.
     */
    public RgbImage denormalised(float[] src, int off) {
        int plane = height * width;
        byte[] px = new byte[plane * 3];
        for (int c = 0; c < 3; c++) {
            int from = channels == 1 ? 0 : c;
            for (int i = 0; i < plane; i++) {
                float v = (src[off + from * plane + i] * std[from] + mean[from]) * 255f;
                px[3 * i + c] = (byte) Math.round(v < 0 ? 0 : Math.min(v, 255f));
            }
        }
        return new RgbImage(width, height, px);
    }

    /** Row i's image; a payload that does not decode fails naming the row. */
    public RgbImage decode(EncodedRows rows, int i) {
        if (codec == null) codec = new ImageCodec();
        try {
            return EncodingPolicy.decodePayload(rows.images[i], rows.encodings[i], rows.widths[i], rows.heights[i], codec);
        } catch (RejectedException e) {
            throw new IllegalStateException("row " + rows.keys[i] + " does not decode: " + e.getMessage(), e);
        }
    }

    /** torchvision's RandomResizedCrop box: (x0, y0, w, h) in source pixels. */
    private double[] randomResizedCrop(int w, int h, SplittableRandom r) {
        double area = (double) w * h;
        double logMin = Math.log(augment.ratioMin()), logMax = Math.log(augment.ratioMax());
        for (int a = 0; a < ATTEMPTS; a++) {
            double target = area * (augment.scaleMin() + r.nextDouble() * (augment.scaleMax() - augment.scaleMin()));
            double ratio = Math.exp(logMin + r.nextDouble() * (logMax - logMin));
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                return new double[] {r.nextInt(w - cw + 1), r.nextInt(h - ch + 1), cw, ch};
            }
        }
        // fallback: the largest center crop whose aspect is inside the range
        double ratio = (double) w / h;
        double cw = w, ch = h;
        if (ratio < augment.ratioMin()) ch = Math.round(w / augment.ratioMin());
        else if (ratio > augment.ratioMax()) cw = Math.round(h * augment.ratioMax());
        return new double[] {(w - cw) / 2, (h - ch) / 2, cw, ch};
    }

    // box (x0,y0,cw,ch) of src -> (3,H,W) in [0,1], bilinear with half-pixel centres; output
    // pixel (ox,oy) reads resized pixel (ox+shiftX, oy+shiftY), zero outside (pad-and-crop)
    private float[] sample(RgbImage img, double x0, double y0, double cw, double ch, int shiftX, int shiftY, boolean flip) {
        byte[] p = img.pixels();
        int w = img.width(), h = img.height();
        int plane = height * width;
        float[] out = new float[3 * plane];
        double sx = cw / width, sy = ch / height;
        for (int oy = 0; oy < height; oy++) {
            int ry = oy + shiftY;
            if (ry < 0 || ry >= height) continue;
            double fy = clamp(y0 + (ry + 0.5) * sy - 0.5, h - 1);
            int y1 = (int) fy;
            int y2 = Math.min(y1 + 1, h - 1);
            float wy = (float) (fy - y1);
            for (int ox = 0; ox < width; ox++) {
                int rx = (flip ? width - 1 - ox : ox) + shiftX;
                if (rx < 0 || rx >= width) continue;
                double fx = clamp(x0 + (rx + 0.5) * sx - 0.5, w - 1);
                int x1 = (int) fx;
                int x2 = Math.min(x1 + 1, w - 1);
                float wx = (float) (fx - x1);
                for (int c = 0; c < 3; c++) {
                    float a = p[(y1 * w + x1) * 3 + c] & 0xff, b = p[(y1 * w + x2) * 3 + c] & 0xff;
                    float d = p[(y2 * w + x1) * 3 + c] & 0xff, e = p[(y2 * w + x2) * 3 + c] & 0xff;
                    float top = a + (b - a) * wx, bottom = d + (e - d) * wx;
                    out[c * plane + oy * width + ox] = (top + (bottom - top) * wy) * (1f / 255f);
                }
            }
        }
        return out;
    }

    private static double clamp(double v, int max) { return v < 0 ? 0 : Math.min(v, max); }

    // brightness, contrast, saturation in this fixed order, each factor in [1-x, 1+x]
    private void jitter(float[] rgb, int plane, SplittableRandom r) {
        float b = factor(augment.brightness(), r), c = factor(augment.contrast(), r), s = factor(augment.saturation(), r);
        for (int i = 0; i < rgb.length; i++) rgb[i] = Math.min(1f, rgb[i] * b);
        if (c != 1f) {
            double m = 0;
            for (int i = 0; i < plane; i++) m += gray(rgb, i, plane);
            float mean = (float) (m / plane);
            for (int i = 0; i < rgb.length; i++) rgb[i] = clamp01((rgb[i] - mean) * c + mean);
        }
        if (s != 1f) {
            for (int i = 0; i < plane; i++) {
                float g = gray(rgb, i, plane);
                for (int k = 0; k < 3; k++) rgb[k * plane + i] = clamp01((rgb[k * plane + i] - g) * s + g);
            }
        }
    }

    private static float factor(double x, SplittableRandom r) {
        return x == 0 ? 1f : (float) (1 - x + 2 * x * r.nextDouble());
    }

    private static float gray(float[] rgb, int i, int plane) {
        return 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
    }

    private static float clamp01(float v) { return v < 0 ? 0 : Math.min(v, 1f); }

    private void finish(float[] rgb, float[] dst, int off) { finish(rgb, height * width, dst, off); }

    private void finish(float[] rgb, int plane, float[] dst, int off) {
        if (channels == 1) {
            for (int i = 0; i < plane; i++) dst[off + i] = (gray(rgb, i, plane) - mean[0]) / std[0];
        } else {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) dst[off + c * plane + i] = (rgb[c * plane + i] - mean[c]) / std[c];
            }
        }
    }
}
