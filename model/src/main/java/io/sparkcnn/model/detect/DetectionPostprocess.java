package io.sparkcnn.model.detect;

import io.sparkcnn.model.task.DetectionTask;

import java.util.List;

/**
 * Inference post-processing of one image, from the network's raw output to the detections that
 * {@link io.sparkcnn.model.metrics.CocoMatches#addImage} scores and {@link CocoResultsWriter}
 * writes: {@link DetectionTask#decode} (softmax, score threshold, at most candidatesPerClass per
 * class, boxes decoded and clipped to the input) -> per-class {@link NonMaxSuppression} at
 * nmsIou -> the maxDetections highest scores of the image -> boxes mapped from the network input
 * back to the pixels of the image it was resized from ({@link BoxTransform#unresize}). Labels
 * come out as the contiguous class indices 0..classes-1 (the decoder's 1..classes minus one;
 * 0 there is the background).
 *
 * <p>Not thread-safe: one per worker thread; it reuses its NMS scratch and candidate arrays.
 */
public final class DetectionPostprocess {

    /**
     * scoreThreshold: the least softmax score a candidate needs (in [0, 1]); nmsIou: a candidate
     * overlapping a kept box of its class above this IoU is dropped (in [0, 1]); maxDetections:
     * detections kept per image (COCO scores at most 100); candidatesPerClass: the highest scores
     * per class that enter NMS (SSD keeps 200).
     */
    public record Settings(float scoreThreshold, float nmsIou, int maxDetections, int candidatesPerClass) {
        public static final Settings DEFAULTS = new Settings(0.01f, 0.45f, 100, 200);

        public Settings {
            if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
                throw new IllegalArgumentException("detection post-processing: scoreThreshold must be in [0, 1], got " + scoreThreshold);
            }
            if (!(nmsIou >= 0 && nmsIou <= 1)) {
                throw new IllegalArgumentException("detection post-processing: nmsIou must be in [0, 1], got " + nmsIou);
            }
            if (maxDetections < 1) {
                throw new IllegalArgumentException("detection post-processing: maxDetections must be at least 1, got " + maxDetections);
            }
            if (candidatesPerClass < 1) {
                throw new IllegalArgumentException("detection post-processing: candidatesPerClass must be at least 1, got "
                        + candidatesPerClass);
            }
        }

        /** The defaults with these three (candidatesPerClass 200). */
        public Settings(float scoreThreshold, float nmsIou, int maxDetections) {
            this(scoreThreshold, nmsIou, maxDetections, DEFAULTS.candidatesPerClass);
        }
    }

    private final DetectionTask task;
    private final Settings settings;
    private final NonMaxSuppression nms;
    private final int inputWidth, inputHeight;
    private float[] boxes = new float[64], scores = new float[16];
    private int[] labels = new int[16];

    public DetectionPostprocess(DetectionTask task, Settings settings) {
        if (task == null || settings == null) throw new IllegalArgumentException("detection post-processing needs a task and settings");
        this.task = task;
        this.settings = settings;
        // the decoder applied the threshold (score >= it); NMS takes every candidate it got
        this.nms = new NonMaxSuppression(Float.NEGATIVE_INFINITY, settings.nmsIou(), settings.maxDetections(), 0);
        this.inputWidth = task.anchorSpec().imageWidth();
        this.inputHeight = task.anchorSpec().imageHeight();
    }

    public Settings settings() { return settings; }

    /** Floats of one image's raw output. */
    public int outputSize() { return (int) task.loss().headSize(); }

    /**
     * One image: its raw output from outputs[off] ({@link #outputSize} floats) -> out (replaced)
     * with boxes (x1, y1, x2, y2) in the pixels of a width x height image that was resized to the
     * network input (pass the input size for boxes in input pixels), labels 0..classes-1, in
     * score order.
     */
    public Detections apply(float[] outputs, int off, int width, int height, Detections out) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("detection post-processing: the source image must be at least 1x1, got " + width + "x" + height);
        }
        if (off < 0 || off + (long) outputSize() > outputs.length) {
            throw new IllegalArgumentException("detection post-processing: one image's output is " + outputSize() + " floats from "
                    + off + ", but the array holds " + outputs.length);
        }
        List<ScoredBox> c = task.decode(outputs, off, settings.scoreThreshold(), settings.candidatesPerClass());
        int n = c.size();
        if (scores.length < n) {
            boxes = new float[4 * n];
            scores = new float[n];
            labels = new int[n];
        }
        for (int i = 0; i < n; i++) {
            ScoredBox s = c.get(i);
            Box b = s.box();
            boxes[4 * i] = b.x1();
            boxes[4 * i + 1] = b.y1();
            boxes[4 * i + 2] = b.x2();
            boxes[4 * i + 3] = b.y2();
            scores[i] = s.score();
            labels[i] = s.label() - 1;
        }
        nms.apply(boxes, scores, labels, n, out);
        if (width == inputWidth && height == inputHeight) return out;
        return unresize(out, width, height);
    }

    /** The kept boxes in source pixels: same order, scores and labels. */
    private Detections unresize(Detections d, int width, int height) {
        int n = d.count();
        // n <= the candidates, so the candidate arrays hold them
        for (int i = 0; i < n; i++) {
            Box b = BoxTransform.unresize(new Box(d.x1(i), d.y1(i), d.x2(i), d.y2(i)), width, height, inputWidth, inputHeight);
            boxes[4 * i] = b.x1();
            boxes[4 * i + 1] = b.y1();
            boxes[4 * i + 2] = b.x2();
            boxes[4 * i + 3] = b.y2();
            scores[i] = d.score(i);
            labels[i] = d.label(i);
        }
        d.clear();
        for (int i = 0; i < n; i++) d.add(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], scores[i], labels[i]);
        return d;
    }
}
