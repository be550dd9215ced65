package io.sparkcnn.model.checkpoint;

import java.io.IOException;

/**
 * A checkpoint that cannot be used: not a checkpoint, a format version this build does not
 * read, truncated, corrupt (CRC mismatch), or made for another network. The message names
 * the file and the section.
 */
public class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
