package io.sparkcnn.model.backend.cpu;

/** A slice of a parallel loop: indices [from, to). Ops keep one instance per loop so a call allocates nothing. */
@FunctionalInterface
public interface RangeTask {
    void run(int from, int to);
}
