package io.sparkcnn.jobs.train;

/** train.aggregation: what the workers send back and the driver averages. */
public enum Aggregation {
    /** Each worker runs k minibatches from the broadcast model; the driver averages the models. */
    PARAMETERS,
    /** Each worker computes one minibatch's gradient; the driver averages them and steps once (synchronous SGD). */
    GRADIENTS;

    public static Aggregation parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
