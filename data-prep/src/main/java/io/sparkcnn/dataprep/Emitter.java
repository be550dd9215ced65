package io.sparkcnn.dataprep;

import java.util.Map;

/** Where a reader puts what it made of a unit: rows (target column values) and rejects. */
public interface Emitter {
    /**
     * A good row. {@code image} is the processed image; {@code targets} holds the task's target
     * columns by name (see ShardSchema).
     */
    void row(String key, ProcessedImage image, Map<String, Object> targets);

    /** A rejected input: {@code source} is the file or record, e.g. {@code a.json#ann=7}. */
    void reject(String source, String stage, String reason);
}
