package io.sparkcnn.dataprep;

/** A run that must end with a non-zero exit: empty or unreadable input, or too many rejects. */
public class PrepException extends RuntimeException {
    public static final int INPUT = 2;
    public static final int TOO_MANY_REJECTS = 3;

    private final int exitCode;

    public PrepException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public PrepException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
