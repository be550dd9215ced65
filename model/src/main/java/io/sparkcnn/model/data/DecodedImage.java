package io.sparkcnn.model.data;

/**
 * Result of {@link ImageCodec#decode}: RGB pixels plus the header info; {@code standardJpeg} is true
 * when the bytes are a 3-component (YCbCr) JPEG that any reader decodes to the same RGB, so they
 * may be stored as they are.
 */
public record DecodedImage(RgbImage image, ImageInfo info, boolean standardJpeg) {
}
