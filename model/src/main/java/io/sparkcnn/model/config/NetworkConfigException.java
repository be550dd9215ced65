package io.sparkcnn.model.config;

/**
 * A network config that cannot be read: unknown layer type or key, a missing required key,
 * a value of the wrong type, or shapes that do not fit. The message names the source file,
 * the layer (name or position) and the key.
 */
public class NetworkConfigException extends IllegalArgumentException {
    public NetworkConfigException(String message) {
        super(message);
    }

    public NetworkConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
