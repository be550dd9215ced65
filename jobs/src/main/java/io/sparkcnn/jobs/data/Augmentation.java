package io.sparkcnn.jobs.data;

import java.io.Serializable;

/**
 * Training augmentation settings (all off by default). See docs/configuration.md, augment.*.
 *
 * @param randomResizedCrop ImageNet-style crop of a random area and aspect, resized to the input
 * @param padCrop           pixels of zero padding per side before a random crop of the input size (0: off)
 */
public record Augmentation(boolean randomResizedCrop, double scaleMin, double scaleMax, double ratioMin,
                           double ratioMax, boolean horizontalFlip, int padCrop, double brightness, double contrast,
                           double saturation) implements Serializable {

    public static final Augmentation NONE = new Augmentation(false, 0.08, 1, 0.75, 4.0 / 3.0, false, 0, 0, 0, 0);

    public Augmentation {
        if (scaleMin > scaleMax) throw new IllegalArgumentException("augment.scaleMin " + scaleMin + " > augment.scaleMax " + scaleMax);
        if (ratioMin > ratioMax) throw new IllegalArgumentException("augment.ratioMin " + ratioMin + " > augment.ratioMax " + ratioMax);
    }

    boolean colorJitter() { return brightness > 0 || contrast > 0 || saturation > 0; }
}
