package io.sparkcnn.jobs.train;

/** Training cannot go on (a non-finite loss); the message names the round and the worker. */
public final class TrainingStoppedException extends RuntimeException {
    private final long round;

    public TrainingStoppedException(long round, String message) {
        super(message);
        this.round = round;
    }

    public long round() { return round; }
}
