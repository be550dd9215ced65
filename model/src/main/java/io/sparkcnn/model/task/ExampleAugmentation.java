package io.sparkcnn.model.task;

import java.util.SplittableRandom;

/**
 * A random transform of an example that moves the target with the image: the same crop,
 * flip and scale applied to the pixels and to the mask (nearest neighbour for labels), or
 * to the pixels alone for a class label. Draws only from rng, so a seed fixes it.
 */
@FunctionalInterface
public interface ExampleAugmentation {
    ExampleAugmentation NONE = (e, rng) -> e;

    Example apply(Example example, SplittableRandom rng);
}
