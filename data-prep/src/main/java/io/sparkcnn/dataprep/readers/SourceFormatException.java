package io.sparkcnn.dataprep.readers;

import java.io.IOException;

/**
 * A dataset's metadata file (annotation JSON, meta.mat, a label list) that cannot be read as its
 * format: the message names the file and the reason. An IOException, so callers that already turn
 * unreadable files into rejects or input errors handle it unchanged.
 */
public final class SourceFormatException extends IOException {
    private final String source;

    public SourceFormatException(String source, String reason) {
        super(source + ": " + reason);
        this.source = source;
    }

    public SourceFormatException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.source = source;
    }

    /** The file (or file#record) that is malformed. */
    public String source() {
        return source;
    }
}
