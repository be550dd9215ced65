package io.sparkcnn.model.data;

/** An input refused with a stage and a reason; becomes a row of the rejects table, never a crash. */
public class RejectedException extends Exception {
    private final String stage;

    public RejectedException(String stage, String reason) {
        super(reason);
        this.stage = stage;
    }

    public RejectedException(String stage, String reason, Throwable cause) {
        super(reason, cause);
        this.stage = stage;
    }

    public String stage() {
        return stage;
    }

    public String reason() {
        return getMessage();
    }
}
