package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

/** What the segmentation models share: per-pixel loss with Cityscapes' ignore label, and the input-size rule. */
final class Segmentation {
    static final int IGNORE = 255;

    private Segmentation() {}

    static LossSpec loss() { return new SoftmaxCrossEntropy(null, IGNORE); }

    /** Each downsampling must be undone exactly for the output to have the mask's size. */
    static void requireMultiple(String name, Shape input, int m) {
        if (input.dim(1) % m != 0 || input.dim(2) % m != 0) {
            throw new IllegalArgumentException("zoo model '" + name + "' halves the image " + Integer.numberOfTrailingZeros(m)
                    + " times and restores it, so its input height and width must be multiples of " + m + ", got "
                    + input.dim(1) + "x" + input.dim(2));
        }
    }
}
