package io.sparkcnn.model.task;

import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.detect.GroundTruth;

/**
 * One decoded example as the task layer sees it: the image as network input floats in
 * (C,H,W) order — a video clip's frames in (C,T,H,W) order, {@code frames} = T (1 for an
 * image) — and its target in the task's raw form — a class index, or a per-pixel
 * label mask (train ids, 255 = ignore), or the objects' boxes in the image's pixels (detection;
 * null otherwise). The key names the shard row or file in errors.
 */
public record Example(String key, int channels, int height, int width, float[] pixels, int label, GrayImage mask,
        GroundTruth objects, int frames) {
    /** No class label (a segmentation example). */
    public static final int NO_LABEL = -1;

    public Example {
        if (channels <= 0 || frames <= 0 || height <= 0 || width <= 0 || pixels == null
                || pixels.length != (long) channels * frames * height * width) {
            throw new BadExampleException(key, (frames == 1 ? "image of " + channels : "clip of " + channels + "x" + frames)
                    + "x" + height + "x" + width + " holds " + (pixels == null ? "no" : String.valueOf(pixels.length)) + " floats");
        }
    }

    /** An image (one frame), with or without objects. */
    public Example(String key, int channels, int height, int width, float[] pixels, int label, GrayImage mask,
            GroundTruth objects) {
        this(key, channels, height, width, pixels, label, mask, objects, 1);
    }

    /** An example without objects (classification, segmentation). */
    public Example(String key, int channels, int height, int width, float[] pixels, int label, GrayImage mask) {
        this(key, channels, height, width, pixels, label, mask, null);
    }

    public static Example classified(String key, int channels, int height, int width, float[] pixels, int label) {
        return new Example(key, channels, height, width, pixels, label, null);
    }

    public static Example masked(String key, int channels, int height, int width, float[] pixels, GrayImage mask) {
        return new Example(key, channels, height, width, pixels, NO_LABEL, mask);
    }

    /** A detection example: its boxes are in this image's pixels (0 boxes is fine). */
    public static Example detected(String key, int channels, int height, int width, float[] pixels, GroundTruth objects) {
        return new Example(key, channels, height, width, pixels, NO_LABEL, null, objects);
    }

    /** A video clip of frames (C,T,H,W) and its class (T = frames). */
    public static Example clip(String key, int channels, int frames, int height, int width, float[] pixels, int label) {
        return new Example(key, channels, height, width, pixels, label, null, null, frames);
    }

    /** Floats of one (channel, frame) plane. */
    public int planeSize() { return height * width; }

    /** The same image with other boxes (an augmentation moved them with the pixels). */
    public Example withObjects(int newHeight, int newWidth, float[] newPixels, GroundTruth newObjects) {
        return new Example(key, channels, newHeight, newWidth, newPixels, label, mask, newObjects);
    }
}
