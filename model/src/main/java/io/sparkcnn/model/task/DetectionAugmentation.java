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
 * its boxes by {@link BoxTransform} (clipped; dropped under minVisible of their area). Before the
 * geometry, an optional colour jitter of the input values: v' = c v + b with contrast c in
 * [1 - contrast, 1 + contrast] and brightness b in [-brightness, brightness] (in input units, after
 * normalisation), drawn per example and channel; the padding stays imagePad.
 */
public final class DetectionAugmentation implements ExampleAugmentation {
    private final SsdCropSampler sampler;
    private final float minVisible, imagePad, brightness, contrast;

    public DetectionAugmentation(SsdCropSampler sampler, float minVisible, float imagePad, float brightness, float contrast) {
        if (!(minVisible > 0) || minVisible > 1) {
            throw new IllegalArgumentException("augmentation: min_visible must be in (0, 1], got " + minVisible);
        }
        if (!(brightness >= 0) || Float.isInfinite(brightness)) {
            throw new IllegalArgumentException("augmentation: brightness must be >= 0 and finite, got " + brightness);
        }
        if (!(contrast >= 0) || !(contrast < 1)) {
            throw new IllegalArgumentException("augmentation: contrast must be in [0, 1), got " + contrast);
        }
        this.sampler = sampler;
        this.minVisible = minVisible;
        this.imagePad = imagePad;
        this.brightness = brightness;
        this.contrast = contrast;
    }

    /** Geometry only, no colour jitter. */
    public DetectionAugmentation(SsdCropSampler sampler, float minVisible, float imagePad) {
        this(sampler, minVisible, imagePad, 0f, 0f);
    }

    @Override
    public Example apply(Example e, SplittableRandom rng) {
        GroundTruth gt = e.objects();
        if (gt == null) throw new BadExampleException(e.key(), "has no boxes, a detection example needs its (possibly empty) box list");
        Example source = brightness > 0 || contrast > 0 ? e.withPixels(e.height(), e.width(), jitter(e, rng)) : e;
        return transform(source, sampler.draw(e.width(), e.height(), gt, rng), minVisible, imagePad);
    }

    private float[] jitter(Example e, SplittableRandom rng) {
        float[] src = e.pixels(), out = new float[src.length];
        int plane = e.width() * e.height();
        for (int c = 0; c < e.channels(); c++) {
            float k = (float) (1 + contrast * (2 * rng.nextDouble() - 1)), b = (float) (brightness * (2 * rng.nextDouble() - 1));
            for (int i = c * plane; i < (c + 1) * plane; i++) out[i] = k * src[i] + b;
        }
        return out;
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
