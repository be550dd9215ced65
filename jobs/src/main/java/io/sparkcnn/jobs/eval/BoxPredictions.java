package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.detect.Box;
import io.sparkcnn.model.detect.BoxTransform;
import io.sparkcnn.model.detect.Detections;
import io.sparkcnn.model.detect.NonMaxSuppression;
import io.sparkcnn.model.detect.ScoredBox;
import io.sparkcnn.model.task.DetectionTask;

import java.io.Serializable;
import java.util.List;

/**
 * One image's raw detector output -> its final detections in the stored image's pixels (the frame
 * of the shard's obj_bbox): {@link DetectionTask#decode} (softmax, every class reaching the score
 * threshold, at most {@link #CANDIDATES_PER_CLASS} per class), per-class {@link NonMaxSuppression},
 * the best detectionsPerImage, and each box mapped back from the network input with
 * {@link BoxTransform#unresize}. Labels are the contiguous classes 0..K-1 (the decoder's minus 1).
 *
 * <p>The jobs' own step, written while the model's {@code DetectionPostprocess} was not in this branch: the
 * same steps and defaults, to be replaced by it on merge. Not thread-safe (one per task).
 */
final class BoxPredictions {
    /** Candidates per class entering NMS (200, as the model's DetectionPostprocess.Settings.DEFAULTS). */
    static final int CANDIDATES_PER_CLASS = 200;

    /** The evaluation settings: eval.detectionScoreThreshold, eval.detectionNmsIou, eval.detectionsPerImage. */
    record Settings(double scoreThreshold, double nmsIou, int detectionsPerImage) implements Serializable {}

    private final DetectionTask task;
    private final Settings settings;
    private final NonMaxSuppression nms;
    private final Detections inInput = new Detections();
    private float[] boxes = new float[0], scores = new float[0];
    private int[] labels = new int[0];

    BoxPredictions(DetectionTask task, Settings settings) {
        this.task = task;
        this.settings = settings;
        // the decoder applies the score threshold (score >= t); NMS sees only those
        this.nms = new NonMaxSuppression(Float.NEGATIVE_INFINITY, settings.nmsIou(), settings.detectionsPerImage(), 0);
    }

    /**
     * The detections of the output at outputs[off] of an image stored at (storedWidth x storedHeight),
     * written into out (replacing its content).
     */
    void detect(float[] outputs, int off, int storedWidth, int storedHeight, Detections out) {
        List<ScoredBox> candidates = task.decode(outputs, off, (float) settings.scoreThreshold(), CANDIDATES_PER_CLASS);
        int n = candidates.size();
        if (scores.length < n) {
            boxes = new float[4 * n];
            scores = new float[n];
            labels = new int[n];
        }
        for (int i = 0; i < n; i++) {
            ScoredBox c = candidates.get(i);
            boxes[4 * i] = c.box().x1();
            boxes[4 * i + 1] = c.box().y1();
            boxes[4 * i + 2] = c.box().x2();
            boxes[4 * i + 3] = c.box().y2();
            scores[i] = c.score();
            labels[i] = c.label() - 1;
        }
        nms.apply(boxes, scores, labels, n, inInput);
        int w = task.anchorSpec().imageWidth(), h = task.anchorSpec().imageHeight();
        out.clear();
        for (int i = 0; i < inInput.count(); i++) {
            Box b = BoxTransform.unresize(new Box(inInput.x1(i), inInput.y1(i), inInput.x2(i), inInput.y2(i)), storedWidth,
                    storedHeight, w, h);
            out.add(b.x1(), b.y1(), b.x2(), b.y2(), inInput.score(i), inInput.label(i));
        }
    }
}
