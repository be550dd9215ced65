package io.sparkcnn.model.task;

import io.sparkcnn.model.data.GrayImage;

/**
 * One decoded example as the task layer sees it: the image as network input floats in
 * (C,H,W) order, and its target in the task's raw form — a class index, or a per-pixel
 * label mask (train ids, 255 = ignore). The key names the shard row or file in errors.
 */
public record Example(String key, int channels, int height, int width, float[] pixels, int label, GrayImage mask) {
    /** No class label (a segmentation example). */
    public static final int NO_LABEL = -1;

    public Example {
        if (channels <= 0 || height <= 0 || width <= 0 || pixels == null
                || pixels.length != (long) channels * height * width) {
            throw new BadExampleException(key, "image of " + channels + "x" + height + "x" + width + " holds "
                    + (pixels == null ? "no" : String.valueOf(pixels.length)) + " floats");
        }
    }

    public static Example classified(String key, int channels, int height, int width, float[] pixels, int label) {
        return new Example(key, channels, height, width, pixels, label, null);
    }

    public static Example masked(String key, int channels, int height, int width, float[] pixels, GrayImage mask) {
        return new Example(key, channels, height, width, pixels, NO_LABEL, mask);
    }

    /** The same target with other pixels (an augmentation that leaves the target alone). */
    public Example withPixels(int newHeight, int newWidth, float[] newPixels) {
        return new Example(key, channels, newHeight, newWidth, newPixels, label, mask);
    }
}
