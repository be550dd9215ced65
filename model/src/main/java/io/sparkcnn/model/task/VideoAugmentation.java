package io.sparkcnn.model.task;

import io.sparkcnn.model.augment.PairGeometry;
import io.sparkcnn.model.augment.PairedAugmentation;

import java.util.SplittableRandom;

/**
 * The video task's training augmentation: a clip of the network's T frames drawn from the stored
 * ones ({@link ClipSampling}: random start, frame stride), then ONE spatial geometry drawn per clip
 * ({@link PairedAugmentation} at scale 1: a random crop of the network's H x W and a flip) applied
 * to every frame, so a clip's frames stay aligned with each other. Frames smaller than the
 * network input are refused naming the example (a crop would pad them). Draws come only from rng:
 * the start first, then the crop and flip.
 */
public final class VideoAugmentation implements ExampleAugmentation {
    private final ClipSampling sampling;
    private final PairedAugmentation spatial;

    public VideoAugmentation(ClipSampling sampling, int width, int height, boolean horizontalFlip) {
        this.sampling = sampling;
        this.spatial = new PairedAugmentation(width, height, 1, 1, horizontalFlip);
    }

    public ClipSampling sampling() { return sampling; }

    @Override
    public Example apply(Example e, SplittableRandom rng) {
        VideoTask.requireFrameSize(e, spatial.cropWidth(), spatial.cropHeight());
        int stride = sampling.stride(e.key(), e.frames());
        int start = sampling.start(e.key(), e.frames(), stride, rng);
        PairGeometry g = spatial.draw(e.width(), e.height(), rng);
        int t = sampling.clipFrames();
        float[] px = new float[e.channels() * t * g.cropWidth() * g.cropHeight()];
        sampling.extract(e, start, stride, g, px, 0);
        return Example.clip(e.key(), e.channels(), t, g.cropHeight(), g.cropWidth(), px, e.label());
    }
}
