package io.sparkcnn.dataprep;

import java.io.Serializable;

/** A file seen in the input: path relative to the dataset root, size in bytes, mtime in ms. */
public record SourceFile(String path, long size, long mtime) implements Serializable {
}
