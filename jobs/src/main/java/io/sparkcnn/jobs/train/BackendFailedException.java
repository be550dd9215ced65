package io.sparkcnn.jobs.train;

import java.util.Optional;

/**
 * An executor could not build the model on the backend backend.kind names (no device, an
 * OpenCL program that does not compile there). Thrown in the task; the driver finds it in the
 * Spark job's failure and stops with its message rather than a stack trace.
 */
public final class BackendFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendFailedException(BackendChoice choice, RuntimeException cause) {
        super("executor " + TaskResources.executorId() + " cannot build the model on backend.kind=" + choice.kind()
                + ": " + cause.getMessage(), cause);
    }

    /** The message of the backend failure inside e, which Spark wraps in its job failure (as the cause, or in its text). */
    public static Optional<String> messageIn(Throwable e) {
        String marker = BackendFailedException.class.getName() + ": ";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BackendFailedException) return Optional.of(t.getMessage());
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf(marker);
            if (at >= 0) {
                String rest = m.substring(at + marker.length());
                int end = rest.indexOf('\n');
                return Optional.of(end < 0 ? rest : rest.substring(0, end));
            }
            if (t.getCause() == t) break;
        }
        return Optional.empty();
    }
}
