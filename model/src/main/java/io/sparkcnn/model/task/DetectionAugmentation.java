package io.sparkcnn.model.task;

import io.sparkcnn.model.augment.PairGeometry;
import io.sparkcnn.model.augment.PairedTransform;
import io.sparkcnn.model.detect.BoxTransform;
import io.sparkcnn.model.detect.GroundTruth;
import io.sparkcnn.model.detect.SsdCropSampler;

import java.util.SplittableRandom;

/**
 * The detection task's training augmentation: one geometry per example from
 * {@link SsdCropSampler} (zoom out, a patch with a minimum IoU, resize to the network input,
 * flip), applied to the image (bilinear, padding = imagePad) by {@link PairedTransform} and to
 * its boxes by {@link BoxTransform} (clipped; dropped under minVisible of their area). Colour
 * jitter is not here: the jobs jitter the decoded image before normalisation (ImageTransform,
 * the same augment.brightness, contrast, saturation as classification), before this geometry.
 */
public final class DetectionAugmentation implements ExampleAugmentation {
    private final SsdCropSampler sampler;
    private final float minVisible, imagePad;

    public DetectionAugmentation(SsdCropSampler sampler, float minVisible, float imagePad) {
        if (!(minVisible > 0) || minVisible > 1) {
            throw new IllegalArgumentException("augmentation: min_visible must be in (0, 1], got " + minVisible);
        }
        this.sampler = sampler;
        this.minVisible = minVisible;
        this.imagePad = imagePad;
    }

    @Override
    public Example apply(Example e, SplittableRandom rng) {
        GroundTruth gt = e.objects();
        if (gt == null) throw new BadExampleException(e.key(), "has no boxes, a detection example needs its (possibly empty) box list");
        return transform(e, sampler.draw(e.width(), e.height(), gt, rng), minVisible, imagePad);
    }

    /** Evaluation: the whole image and its boxes resized to the network input (no crop, no flip, no drop). */
    public static Example resize(Example e, int outWidth, int outHeight) {
        // any area left keeps a box: rounding at the border must not drop one
        return transform(e, PairGeometry.resize(e.width(), e.height(), outWidth, outHeight), Float.MIN_VALUE, 0f);
    }

    static Example transform(Example e, PairGeometry g, float minVisible, float imagePad) {
        float[] pixels = new float[e.channels() * g.cropWidth() * g.cropHeight()];
        PairedTransform.image(g, e.pixels(), 0, e.channels(), pixels, 0, imagePad);
        return e.withObjects(g.cropHeight(), g.cropWidth(), pixels, BoxTransform.apply(g, e.objects(), minVisible));
    }
}
