package io.sparkcnn.model.metrics;

import io.sparkcnn.model.detect.Detections;
import java.util.ArrayList;
import java.util.List;

/** One image of a COCO test case: ground truth ([x, y, w, h], area, crowd) and detections ((x1, y1, x2, y2), score). */
final class CocoTestImage {
    record Gt(int label, float x, float y, float w, float h, float area, boolean crowd) {}

    final long id;
    final List<Gt> gts = new ArrayList<>();
    final Detections dets = new Detections();

    CocoTestImage(long id) {
        this.id = id;
    }

    /** A regular object whose annotated area is its box area. */
    CocoTestImage gt(int label, float x, float y, float w, float h) {
        gts.add(new Gt(label, x, y, w, h, w * h, false));
        return this;
    }

    CocoTestImage gt(int label, float x, float y, float w, float h, float area, boolean crowd) {
        gts.add(new Gt(label, x, y, w, h, area, crowd));
        return this;
    }

    /** A detection given as [x, y, w, h] like the ground truth. */
    CocoTestImage det(int label, float x, float y, float w, float h, float score) {
        dets.add(x, y, x + w, y + h, score, label);
        return this;
    }

    void addTo(CocoMatches m) {
        int n = gts.size();
        int[] labels = new int[n], crowd = new int[n];
        float[] boxes = new float[4 * n], areas = new float[n];
        for (int i = 0; i < n; i++) {
            Gt g = gts.get(i);
            labels[i] = g.label();
            boxes[4 * i] = g.x();
            boxes[4 * i + 1] = g.y();
            boxes[4 * i + 2] = g.w();
            boxes[4 * i + 3] = g.h();
            areas[i] = g.area();
            crowd[i] = g.crowd() ? 1 : 0;
        }
        m.addImage(id, labels, boxes, areas, crowd, dets);
    }

    static CocoEvaluation evaluate(int classes, List<CocoTestImage> images) {
        CocoMatches m = new CocoMatches(classes);
        for (CocoTestImage i : images) i.addTo(m);
        return m.accumulate();
    }
}
