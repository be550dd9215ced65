package io.sparkcnn.model.data;

/** A single-channel label or id map, one int per pixel, row-major (masks must not go through colour conversion). */
public record GrayImage(int width, int height, int[] values) {
    public GrayImage {
        if (width <= 0 || height <= 0 || values.length != (long) width * height) {
            throw new IllegalArgumentException("bad gray image " + width + "x" + height + " with " + values.length + " values");
        }
    }
}
