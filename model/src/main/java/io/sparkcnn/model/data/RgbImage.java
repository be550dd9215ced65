package io.sparkcnn.model.data;

/** A decoded image: uint8 RGB, HWC order ({@code pixels.length == width * height * 3}). */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width <= 0 || height <= 0 || pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException("bad RGB image " + width + "x" + height + " with " + pixels.length + " bytes");
        }
    }
}
