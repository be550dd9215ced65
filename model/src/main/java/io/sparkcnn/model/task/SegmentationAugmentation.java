package io.sparkcnn.model.task;

import io.sparkcnn.model.augment.PairGeometry;
import io.sparkcnn.model.augment.PairedAugmentation;
import io.sparkcnn.model.augment.PairedTransform;
import io.sparkcnn.model.data.GrayImage;

/**
 * The segmentation task's training augmentation: one geometry drawn per example from
 * {@link PairedAugmentation} (scale, crop to the network input, flip) and applied to the
 * image (bilinear) and its mask (nearest neighbour; padding becomes the ignore label) by
 * {@link PairedTransform}, so every pixel keeps its label.
 */
public final class SegmentationAugmentation implements ExampleAugmentation {
    private final PairedAugmentation geometry;
    private final float imagePad;

    /** imagePad: the input value where the crop runs past the scaled image (0 = the mean after normalising). */
    public SegmentationAugmentation(PairedAugmentation geometry, float imagePad) {
        this.geometry = geometry;
        this.imagePad = imagePad;
    }

    @Override
    public Example apply(Example e, java.util.SplittableRandom rng) {
        GrayImage mask = e.mask();
        if (mask == null) throw new BadExampleException(e.key(), "has no mask, a segmentation example needs one");
        if (mask.width() != e.width() || mask.height() != e.height()) {
            throw new BadExampleException(e.key(), "mask is " + mask.width() + "x" + mask.height() + " but its image is "
                    + e.width() + "x" + e.height() + " (width x height); they must be the same size");
        }
        PairGeometry g = geometry.draw(e.width(), e.height(), rng);
        int w = g.cropWidth(), h = g.cropHeight();
        float[] pixels = new float[e.channels() * w * h];
        int[] labels = new int[w * h];
        PairedTransform.image(g, e.pixels(), 0, e.channels(), pixels, 0, imagePad);
        PairedTransform.mask(g, mask.values(), 0, labels, 0, SegmentationTask.IGNORE);
        return new Example(e.key(), e.channels(), h, w, pixels, e.label(), new GrayImage(w, h, labels));
    }
}
