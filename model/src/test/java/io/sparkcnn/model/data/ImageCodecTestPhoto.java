package io.sparkcnn.model.data;

/** A deterministic image with detail (JPEG of it has many scan bytes, so truncation shows). */
final class ImageCodecTestPhoto {
    private ImageCodecTestPhoto() {
    }

    static RgbImage photo(int w, int h) {
        byte[] p = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                p[i] = (byte) (x * 255 / w);
                p[i + 1] = (byte) ((x * y) & 0xff);
                p[i + 2] = (byte) ((x ^ y) * 3);
            }
        }
        return new RgbImage(w, h, p);
    }
}
