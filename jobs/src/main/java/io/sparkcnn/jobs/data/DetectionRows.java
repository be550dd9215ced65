package io.sparkcnn.jobs.data;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.detect.GroundTruthCheck;
import io.sparkcnn.model.detect.SsdCropSampler;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.task.DetectionAugmentation;
import io.sparkcnn.model.task.DetectionTask;
import io.sparkcnn.model.task.Example;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Detection rows: the image (normalised by {@link ImageTransform}) and its objects, checked by
 * {@link GroundTruthCheck} (bad rows fail naming the row key; boxes reaching past the image are
 * clipped, empty ones dropped, both counted in {@link BoxCounts}), become an {@link Example} with
 * its boxes; training jitters the image's colours ({@link ImageTransform#jitteredNormalised}:
 * augment.brightness, contrast, saturation; the boxes are untouched), then moves image and boxes
 * through {@link DetectionAugmentation} (SSD's zoom out, minimum-IoU patch, resize, flip),
 * evaluation resizes both to the network input, without jitter; the task
 * matches the boxes to its anchors and writes the target floats (5 per anchor).
 */
public final class DetectionRows implements RowExamples {
    private static final long serialVersionUID = 1L;

    /**
     * The training geometry: zoom out with probability expand up to maxExpand times the image,
     * patches of at least minPatch of a side (1: the whole image, no crop), flips; a moved box stays
     * when at least minVisible of its area is still in the image.
     */
    public record Geometry(double expand, double maxExpand, double minPatch, boolean flip, double minVisible)
            implements java.io.Serializable {
        /** Evaluation needs none: the whole image resized. */
        public static final Geometry NONE = new Geometry(0, 1, 1, false, 1);
    }

    private final ImageTransform image;
    private final String networkText;
    private final int height, width;
    private final Geometry geometry;
    private transient DetectionTask task;
    private transient GroundTruthCheck check;

    /** network: the detector (its ssd loss head holds anchors and classes); bad settings fail here, on the driver. */
    public DetectionRows(ImageTransform image, NetworkSpec network, Geometry geometry) {
        this.image = image;
        this.networkText = NetworkConfig.write(network);
        this.height = network.input().dim(1);
        this.width = network.input().dim(2);
        this.geometry = geometry;
        task();
    }

    private DetectionTask task() {
        if (task == null) {
            DetectionTask t = DetectionTask.of(NetworkConfig.read(networkText, "the detector"));
            SsdCropSampler sampler = new SsdCropSampler(width, height, geometry.expand(), geometry.maxExpand(),
                    geometry.minPatch(), geometry.flip());
            task = t.withAugmentation(new DetectionAugmentation(sampler, (float) geometry.minVisible(), 0f));
            check = new GroundTruthCheck(t.classes(), 0f);
        }
        return task;
    }

    /** The detection task these rows encode for (anchors, classes, decoding). */
    public DetectionTask detectionTask() { return task(); }

    @Override
    public Task kind() { return Task.DETECTION; }

    @Override
    public int inputSize() { return image.channels() * height * width; }

    @Override
    public int targetSize() { return task().targetSize(null); }

    /** Network input height and width the examples are resized to. */
    public int inputHeight() { return height; }

    public int inputWidth() { return width; }

    @Override
    public void train(EncodedRows rows, int i, long exampleSeed, float[] inputs, int inOff, float[] targets, int targetOff) {
        // colour jitter on the stored image first (pixels only, its own stream), then the geometry moves image and boxes
        Example jittered = example(rows, i, img -> image.jitteredNormalised(img, exampleSeed));
        Example e = task().augmentation().apply(jittered, new SplittableRandom(exampleSeed));
        write(e, inputs, inOff, targets, targetOff);
    }

    @Override
    public void eval(EncodedRows rows, int i, float[] inputs, int inOff, float[] targets, int targetOff) {
        write(DetectionAugmentation.resize(example(rows, i), width, height), inputs, inOff, targets, targetOff);
    }

    /** Row i as stored: the normalised image and its checked boxes (stored pixels, classes 1..K). */
    public Example example(EncodedRows rows, int i) { return example(rows, i, image::normalised); }

    private Example example(EncodedRows rows, int i, Function<RgbImage, float[]> pixels) {
        GroundTruthCheck.Result objects = checked(rows, i);
        RgbImage img = image.decode(rows, i);
        return Example.detected(rows.keys[i], image.channels(), img.height(), img.width(), pixels.apply(img), objects.truth());
    }

    /** Row i's object columns through {@link GroundTruthCheck} (what was clipped or dropped is in the result). */
    public GroundTruthCheck.Result checked(EncodedRows rows, int i) {
        task();
        if (rows.objLabels[i] == null) {
            throw new io.sparkcnn.model.task.BadExampleException(rows.keys[i], "has no object columns (read as "
                    + Task.DETECTION + " rows?)");
        }
        return check.checkShardColumns(rows.keys[i], rows.widths[i], rows.heights[i], rows.objLabels[i], rows.objBoxes[i],
                rows.objCrowd[i]);
    }

    private void write(Example e, float[] inputs, int inOff, float[] targets, int targetOff) {
        System.arraycopy(e.pixels(), 0, inputs, inOff, inputSize());
        task().encode(e, targets, targetOff);
    }
}
