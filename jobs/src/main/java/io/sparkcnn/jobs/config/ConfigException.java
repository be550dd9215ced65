package io.sparkcnn.jobs.config;

/** A job setting that is missing, malformed or out of range; the message names the setting. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The offending setting's key. */
    public String key() { return key; }
}
