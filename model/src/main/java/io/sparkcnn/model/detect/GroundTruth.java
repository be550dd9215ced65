package io.sparkcnn.model.detect;

import java.util.List;

/**
 * The ground truth of one image, in input pixels: boxes with their class (1..classes; 0 is the
 * background) and crowd flag (a crowd region is never a positive, and anchors on it are not
 * negatives either). Any number of boxes, including none. Use {@link GroundTruthCheck} to build
 * one from raw annotations: it clips, drops and counts instead of trusting the data.
 */
public record GroundTruth(List<Box> boxes, int[] labels, boolean[] crowd) {
    public static final GroundTruth EMPTY = new GroundTruth(List.of(), new int[0], new boolean[0]);

    public GroundTruth {
        boxes = List.copyOf(boxes);
        labels = labels.clone();
        crowd = crowd.clone();
        if (labels.length != boxes.size() || crowd.length != boxes.size()) {
            throw new IllegalArgumentException(boxes.size() + " boxes but " + labels.length + " labels and " + crowd.length
                    + " crowd flags");
        }
    }

    public int size() { return boxes.size(); }

    public Box box(int i) { return boxes.get(i); }

    public int label(int i) { return labels[i]; }

    public boolean isCrowd(int i) { return crowd[i]; }

    @Override
    public int[] labels() { return labels.clone(); }

    @Override
    public boolean[] crowd() { return crowd.clone(); }
}
