package io.sparkcnn.model.task;

/** An example whose image or target the task cannot use; names the example (shard key or file). */
public final class BadExampleException extends IllegalArgumentException {
    private final String key;

    public BadExampleException(String key, String reason) {
        super("example '" + key + "': " + reason);
        this.key = key;
    }

    public String key() { return key; }
}
