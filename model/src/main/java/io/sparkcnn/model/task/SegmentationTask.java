package io.sparkcnn.model.task;

import io.sparkcnn.model.data.CityscapesLabels;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.Head;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

import java.util.Map;

/**
 * Semantic segmentation: a (C,H,W) map of logits out, one train id per pixel as target
 * (255 = ignore), per-pixel softmax cross-entropy with optional class weights, and
 * whole-split confusion-matrix metrics (IoU, mIoU, pixel accuracy).
 *
 * <p><b>The resolution rule.</b> Masks have the size of their image, and the image is the
 * network input (after the paired crop/scale, which moves the mask with it). So every
 * per-pixel head must output exactly the input's height and width: the network restores the
 * resolution itself (transposed convolutions, upsampling, or padding that keeps the size).
 * Nothing is resized or cropped to make the output fit; a network that does not reach the
 * input size is refused before training, naming the layer.
 */
public record SegmentationTask(int classes, float[] classWeights, ExampleAugmentation augmentation) implements TrainingTask {
    /** The ignore label of Cityscapes' train ids (void, license plate, unlabelled...). */
    public static final int IGNORE = 255;

    public SegmentationTask {
        if (classes < 2 || classes >= IGNORE) {
            throw new IllegalArgumentException("segmentation needs 2 to " + (IGNORE - 1) + " classes, got " + classes);
        }
        if (classWeights != null && classWeights.length != classes) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + classes + " classes");
        }
        if (augmentation == null) augmentation = ExampleAugmentation.NONE;
    }

    public SegmentationTask(int classes) { this(classes, null, ExampleAugmentation.NONE); }

    /** Cityscapes' 19 train classes, unweighted. */
    public static SegmentationTask cityscapes() { return new SegmentationTask(CityscapesLabels.TRAIN_CLASSES); }

    /** The same task with the paired image+mask augmentation used in training. */
    public SegmentationTask withAugmentation(ExampleAugmentation a) { return new SegmentationTask(classes, classWeights, a); }

    @Override
    public Task kind() { return Task.SEGMENTATION; }

    /** Per-pixel cross-entropy, ignore 255, the task's class weights. */
    @Override
    public LossSpec defaultLoss() { return new SoftmaxCrossEntropy(classWeights, IGNORE); }

    /**
     * The output (and every per-pixel head) must be (classes, H, W) with H, W the input's.
     */
    @Override
    public void checkNetwork(NetworkSpec spec) {
        Shape in = spec.input();
        if (in.rank() != 3) {
            throw new ShapeException("network '" + spec.name() + "': segmentation needs (C,H,W) images as input, got " + in);
        }
        Map<String, Shape> shapes = spec.shapes();
        checkPerPixel(spec, spec.outputNode(), shapes);
        for (Head h : spec.heads()) {
            if (h.loss() instanceof SoftmaxCrossEntropy) checkPerPixel(spec, node(spec, h.node()), shapes);
        }
    }

    private void checkPerPixel(NetworkSpec spec, Node node, Map<String, Shape> shapes) {
        Shape in = spec.input(), out = shapes.get(node.name());
        String type = node.spec().type();
        if (out.rank() != 3) {
            throw ShapeException.at(node.name(), type, "outputs " + out + ", but segmentation needs (classes, H, W) logits");
        }
        if (out.channels() != classes) {
            throw ShapeException.at(node.name(), type, "outputs " + out.channels() + " channels, but the task has "
                    + classes + " classes");
        }
        if (out.dim(1) != in.dim(1) || out.dim(2) != in.dim(2)) {
            throw ShapeException.at(node.name(), type, "outputs " + out.dim(1) + "x" + out.dim(2) + " but the masks are "
                    + in.dim(1) + "x" + in.dim(2) + " (the input's size): a segmentation output must have the mask's"
                    + " resolution; upsample or use a transposed convolution to reach it, or change the padding");
        }
    }

    private static Node node(NetworkSpec spec, String name) {
        for (Node n : spec.nodes()) if (n.name().equals(name)) return n;
        throw new IllegalArgumentException("network '" + spec.name() + "' has no node '" + name + "'");
    }

    @Override
    public int targetSize(Shape output) { return output.spatialSize(); }

    /**
     * Mask -> H*W float train ids. The mask must have its image's size (else the example is
     * bad), and that size must be the output's (else the crop or network is wrong).
     */
    @Override
    public void encodeTarget(Example e, Shape output, float[] dst, int off) {
        GrayImage mask = e.mask();
        if (mask == null) throw new BadExampleException(e.key(), "has no mask, a segmentation example needs one");
        if (mask.width() != e.width() || mask.height() != e.height()) {
            throw new BadExampleException(e.key(), "mask is " + mask.width() + "x" + mask.height() + " but its image is "
                    + e.width() + "x" + e.height() + " (width x height); they must be the same size");
        }
        if (output.rank() != 3 || output.dim(1) != mask.height() || output.dim(2) != mask.width()) {
            throw new BadExampleException(e.key(), "mask is " + mask.width() + "x" + mask.height()
                    + " but the network outputs " + output + "; crop or resize the example to the network input");
        }
        int[] v = mask.values();
        for (int i = 0; i < v.length; i++) {
            int id = v[i];
            if (id != IGNORE && (id < 0 || id >= classes)) {
                throw new BadExampleException(e.key(), "mask value " + id + " at (x " + (i % mask.width()) + ", y "
                        + (i / mask.width()) + ") is neither a train id in [0, " + classes + ") nor " + IGNORE);
            }
            dst[off + i] = id;
        }
    }

    @Override
    public SegmentationMetrics newMetrics(Shape output) {
        return new SegmentationMetrics(output.channels(), output.spatialSize(), IGNORE);
    }

    @Override
    public SegmentationMetrics metricsFromLongs(Shape output, long[] state) {
        return SegmentationMetrics.fromLongs(output.channels(), output.spatialSize(), IGNORE, state);
    }

    @Override
    public int predictionSize(Shape output) { return output.spatialSize(); }
}
