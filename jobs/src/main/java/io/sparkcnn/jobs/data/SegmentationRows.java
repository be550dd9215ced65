package io.sparkcnn.jobs.data;

import io.sparkcnn.model.augment.PairGeometry;
import io.sparkcnn.model.augment.PairedAugmentation;
import io.sparkcnn.model.augment.PairedTransform;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RejectedException;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.task.BadExampleException;
import io.sparkcnn.model.task.Example;
import io.sparkcnn.model.task.SegmentationAugmentation;
import io.sparkcnn.model.task.SegmentationTask;
import io.sparkcnn.model.tensor.Shape;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Segmentation rows: the image (normalised by {@link ImageTransform}) and its PNG mask of train
 * ids become an {@link Example}; training jitters the image's colours
 * ({@link ImageTransform#jitteredNormalised}: augment.brightness, contrast, saturation; the mask is
 * untouched), then moves both through the task's paired augmentation (one scale, a crop of the
 * network input, a flip; nearest neighbour and ignore padding for the mask), evaluation resizes
 * both to the network input, without jitter; the task turns the mask into target
 * floats. A mask of another size than its image fails naming the row key.
 */
public final class SegmentationRows implements RowExamples {
    private static final long serialVersionUID = 1L;

    private final ImageTransform image;
    private final int classes, height, width;
    private final double scaleMin, scaleMax;
    private final boolean flip;
    private transient SegmentationTask task;
    private transient ImageCodec codec;

    /**
     * @param input the network input (C, H, W): the crop of training and the size of evaluation
     * @param scaleMin, scaleMax the range of the paired scale drawn per training example
     */
    public SegmentationRows(ImageTransform image, int classes, int[] input, double scaleMin, double scaleMax, boolean flip) {
        this.image = image;
        this.classes = classes;
        this.height = input[1];
        this.width = input[2];
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.flip = flip;
        task(); // bad settings fail on the driver
    }

    private SegmentationTask task() {
        if (task == null) {
            PairedAugmentation paired = new PairedAugmentation(width, height, scaleMin, scaleMax, flip);
            task = new SegmentationTask(classes).withAugmentation(new SegmentationAugmentation(paired, 0f));
        }
        return task;
    }

    private Shape output() { return Shape.of(classes, height, width); }

    @Override
    public Task kind() { return Task.SEGMENTATION; }

    @Override
    public int inputSize() { return image.channels() * height * width; }

    @Override
    public int targetSize() { return height * width; }

    @Override
    public void train(EncodedRows rows, int i, long exampleSeed, float[] inputs, int inOff, float[] targets, int targetOff) {
        // colour jitter on the stored image first (pixels only, its own stream), then the paired geometry
        Example jittered = example(rows, i, img -> image.jitteredNormalised(img, exampleSeed));
        Example e = task().augmentation().apply(jittered, new SplittableRandom(exampleSeed));
        write(e, inputs, inOff, targets, targetOff);
    }

    @Override
    public void eval(EncodedRows rows, int i, float[] inputs, int inOff, float[] targets, int targetOff) {
        write(resized(example(rows, i)), inputs, inOff, targets, targetOff);
    }

    /** Row i as stored: normalised image and its mask, checked to have the same size. */
    public Example example(EncodedRows rows, int i) { return example(rows, i, image::normalised); }

    private Example example(EncodedRows rows, int i, Function<RgbImage, float[]> pixels) {
        RgbImage img = image.decode(rows, i);
        GrayImage mask = mask(rows, i);
        if (mask.width() != img.width() || mask.height() != img.height()) {
            throw new BadExampleException(rows.keys[i], "mask is " + mask.width() + "x" + mask.height() + " but its image is "
                    + img.width() + "x" + img.height() + " (width x height); they must be the same size");
        }
        return Example.masked(rows.keys[i], image.channels(), img.height(), img.width(), pixels.apply(img), mask);
    }

    /** Row i's image as stored (what an overlay is drawn on). */
    public RgbImage image(EncodedRows rows, int i) { return image.decode(rows, i); }

    /** The 8-bit train-id mask of row i. */
    public GrayImage mask(EncodedRows rows, int i) {
        if (rows.masks[i] == null) throw new BadExampleException(rows.keys[i], "has no mask (shards of a segmentation table need one)");
        if (codec == null) codec = new ImageCodec();
        try {
            return codec.decodeGray(rows.masks[i]);
        } catch (RejectedException e) {
            throw new BadExampleException(rows.keys[i], "mask does not decode: " + e.getMessage());
        }
    }

    // evaluation: the whole image to the network input (bilinear), the mask alike (nearest)
    private Example resized(Example e) {
        PairGeometry g = PairGeometry.resize(e.width(), e.height(), width, height);
        float[] px = new float[e.channels() * width * height];
        int[] labels = new int[width * height];
        PairedTransform.image(g, e.pixels(), 0, e.channels(), px, 0, 0f);
        PairedTransform.mask(g, e.mask().values(), 0, labels, 0, SegmentationTask.IGNORE);
        return new Example(e.key(), e.channels(), height, width, px, e.label(), new GrayImage(width, height, labels));
    }

    private void write(Example e, float[] inputs, int inOff, float[] targets, int targetOff) {
        System.arraycopy(e.pixels(), 0, inputs, inOff, inputSize());
        task().encodeTarget(e, output(), targets, targetOff);
    }
}
