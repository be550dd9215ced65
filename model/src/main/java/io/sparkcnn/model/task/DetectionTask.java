package io.sparkcnn.model.task;

import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.detect.AnchorMatcher;
import io.sparkcnn.model.detect.AnchorSpec;
import io.sparkcnn.model.detect.Anchors;
import io.sparkcnn.model.detect.BoxCoder;
import io.sparkcnn.model.detect.DetectionDecoder;
import io.sparkcnn.model.detect.DetectionTargets;
import io.sparkcnn.model.detect.GroundTruth;
import io.sparkcnn.model.detect.HeadLayout;
import io.sparkcnn.model.detect.ScoredBox;
import io.sparkcnn.model.detect.SsdLoss;
import io.sparkcnn.model.graph.Head;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.tensor.Shape;

import java.util.List;

/**
 * Single-shot detection (SSD): one head node with 4 box values and classes + 1 scores per anchor
 * ({@link SsdLoss}), targets matched and encoded per example from its boxes
 * ({@link DetectionTargets}: 4 offsets, then a label per anchor), the split's SSD loss as the
 * metric ({@link DetectionMetrics}), per-anchor classes as predictions, and {@link #decode} for
 * the boxes. Examples carry their boxes ({@link Example#objects()}) in the pixels of the image,
 * which must be the network input by the time the target is encoded.
 */
public final class DetectionTask implements TrainingTask {
    private final SsdLoss loss;
    private final Anchors anchors;
    private final DetectionTargets targets;
    private final HeadLayout layout;
    private final DetectionDecoder decoder;
    private final ExampleAugmentation augmentation;

    public DetectionTask(SsdLoss loss, AnchorMatcher matcher, BoxCoder coder, ExampleAugmentation augmentation) {
        if (loss == null) throw new IllegalArgumentException("detection needs its ssd loss (anchors and classes)");
        this.loss = loss;
        this.anchors = loss.anchors().anchors();
        this.targets = new DetectionTargets(anchors, coder, matcher);
        this.layout = new HeadLayout(loss.anchors(), loss.classes());
        this.decoder = new DetectionDecoder(anchors, loss.classes(), coder);
        this.augmentation = augmentation == null ? ExampleAugmentation.NONE : augmentation;
    }

    /** SSD's matching (0.5 / 0.4) and variances (0.1, 0.1, 0.2, 0.2), no augmentation. */
    public DetectionTask(SsdLoss loss) { this(loss, AnchorMatcher.SSD, BoxCoder.SSD, ExampleAugmentation.NONE); }

    /** The task of a network whose one loss head is an {@link SsdLoss} (its anchors and classes). */
    public static DetectionTask of(NetworkSpec spec) {
        List<Head> heads = spec.heads();
        if (heads.size() != 1 || !(heads.get(0).loss() instanceof SsdLoss l)) {
            throw new IllegalArgumentException("network '" + spec.name() + "': detection needs exactly one loss head of type"
                    + " ssd (it holds the anchors), got " + heads.stream().map(h -> h.loss().type() + " on '" + h.node() + "'").toList());
        }
        return new DetectionTask(l);
    }

    /** The same task with a training augmentation that moves boxes with the image. */
    public DetectionTask withAugmentation(ExampleAugmentation a) {
        return new DetectionTask(loss, targets.matcher(), targets.coder(), a);
    }

    public SsdLoss loss() { return loss; }

    public AnchorSpec anchorSpec() { return loss.anchors(); }

    public Anchors anchors() { return anchors; }

    @Override
    public Task kind() { return Task.DETECTION; }

    /** Object classes (the class head scores one more: the background, 0). */
    @Override
    public int classes() { return loss.classes(); }

    @Override
    public LossSpec defaultLoss() { return loss; }

    /**
     * The input must be (C, H, W) at the anchors' image size; the one head must be this task's
     * {@link SsdLoss} on a node of (4 + classes + 1) values per anchor.
     */
    @Override
    public void checkNetwork(NetworkSpec spec) {
        Shape in = spec.input();
        AnchorSpec a = loss.anchors();
        if (in.rank() != 3 || in.dim(1) != a.imageHeight() || in.dim(2) != a.imageWidth()) {
            throw new ShapeException("network '" + spec.name() + "': the anchors are laid out on a " + a.imageWidth() + "x"
                    + a.imageHeight() + " input (width x height), but the network takes " + in);
        }
        if (spec.heads().size() != 1 || !loss.equals(spec.heads().get(0).loss())) {
            throw new IllegalArgumentException("network '" + spec.name() + "': detection trains with one ssd loss head of "
                    + loss.classes() + " classes on the task's anchors, got "
                    + spec.heads().stream().map(h -> h.loss().type() + " on '" + h.node() + "'").toList());
        }
        String node = spec.heads().get(0).node();
        Node n = spec.nodes().stream().filter(x -> x.name().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("network '" + spec.name() + "' has no node '" + node + "'"));
        try {
            loss.targetSize(spec.shapes().get(node));
        } catch (IllegalArgumentException e) {
            throw ShapeException.at(node, n.spec().type(), e.getMessage());
        }
    }

    @Override
    public int targetSize(Shape output) { return targets.targetSize(); }

    @Override
    public void encodeTarget(Example e, Shape output, float[] dst, int off) { encode(e, dst, off); }

    /**
     * encodeTarget, returning the matching (positives, ignored anchors, boxes that overlap no
     * anchor) for callers that count. The example's boxes are checked ground truth
     * ({@link io.sparkcnn.model.detect.GroundTruthCheck}); its image must be the network input.
     */
    public AnchorMatcher.Result encode(Example e, float[] dst, int off) {
        GroundTruth gt = e.objects();
        if (gt == null) throw new BadExampleException(e.key(), "has no boxes, a detection example needs its (possibly empty) box list");
        AnchorSpec a = loss.anchors();
        if (e.width() != a.imageWidth() || e.height() != a.imageHeight()) {
            throw new BadExampleException(e.key(), "image is " + e.width() + "x" + e.height() + " but the anchors are laid out on a "
                    + a.imageWidth() + "x" + a.imageHeight() + " input; resize the example (and its boxes) to the network input");
        }
        for (int i = 0; i < gt.size(); i++) {
            if (gt.label(i) < 1 || gt.label(i) > classes()) {
                throw new BadExampleException(e.key(), "box " + i + " has class " + gt.label(i) + ", not one of 1.." + classes());
            }
        }
        return targets.encode(gt, dst, off);
    }

    @Override
    public ExampleAugmentation augmentation() { return augmentation; }

    @Override
    public DetectionMetrics newMetrics(Shape output) { return new DetectionMetrics(loss); }

    @Override
    public DetectionMetrics metricsFromLongs(Shape output, long[] state) { return DetectionMetrics.fromLongs(loss, state); }

    /** One class per anchor (0 = background). */
    @Override
    public int predictionSize(Shape output) { return layout.anchors(); }

    /** Per anchor, the class of the highest score (0 = background; ties to the lower class). */
    @Override
    public void predict(Shape output, float[] outputs, int outOff, int rows, int[] dst, int dstOff) {
        int a = layout.anchors(), outSize = layout.locSize() + layout.confSize(), s = classes() + 1;
        for (int r = 0; r < rows; r++) {
            int conf = outOff + r * outSize + layout.locSize();
            for (int j = 0; j < a; j++) {
                int best = 0;
                float max = outputs[conf + layout.conf(j, 0)];
                for (int c = 1; c < s; c++) {
                    float v = outputs[conf + layout.conf(j, c)];
                    if (v > max) {
                        max = v;
                        best = c;
                    }
                }
                dst[dstOff + r * a + j] = best;
            }
        }
    }

    /**
     * One example's raw output (from outputs[off]) -> candidate detections in input pixels before
     * non-maximum suppression (see {@link DetectionDecoder}).
     */
    public List<ScoredBox> decode(float[] outputs, int off, float scoreThreshold, int maxPerClass) {
        return decoder.decode(outputs, off, scoreThreshold, maxPerClass);
    }
}
