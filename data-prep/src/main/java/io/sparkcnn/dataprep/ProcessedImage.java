package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.PixelStats;

/**
 * An image ready for a shard row: payload, its encoding, stored size, pixel statistics, and the
 * size of the source image (for scaling masks and boxes with the same geometry).
 */
public record ProcessedImage(byte[] payload, String encoding, int width, int height, int channels, PixelStats stats,
                             int sourceWidth, int sourceHeight) {
}
