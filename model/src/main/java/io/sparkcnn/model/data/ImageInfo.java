package io.sparkcnn.model.data;

/** What the header says: format found from the bytes (not the file name), and the declared size. */
public record ImageInfo(String format, int width, int height) {
}
