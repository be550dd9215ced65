package io.sparkcnn.model.data;

import java.io.IOException;

/** An idx file that cannot be read: bad magic, impossible header, wrong length, corrupt gzip. The message names the file. */
public class IdxFormatException extends IOException {
    public IdxFormatException(String source, String reason) {
        super(source + ": " + reason);
    }

    public IdxFormatException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
    }
}
