package io.sparkcnn.model.detect;

import io.sparkcnn.model.task.BadExampleException;

import java.util.ArrayList;
import java.util.List;

/**
 * Raw annotations -> {@link GroundTruth} for an image of known size, with nothing silent: a box
 * that reaches past the image is clipped to it (counted), a box of zero area, or one with no
 * area left inside the image or under minArea pixels after clipping, is dropped (counted). A
 * class outside 1..classes or a coordinate that is not a finite number is bad data and throws
 * {@link BadExampleException} naming the example and the box.
 */
public final class GroundTruthCheck {
    /**
     * What happened to one image's boxes: clipped to the image and kept; dropped for zero area as
     * annotated (droppedEmpty); dropped for no area, or under minArea, left inside the image
     * (droppedOutside).
     */
    public record Result(GroundTruth truth, int clipped, int droppedEmpty, int droppedOutside) {
        public int dropped() { return droppedEmpty + droppedOutside; }
    }

    private final int classes;
    private final float minArea;

    /** minArea: boxes smaller than this many pixels after clipping are dropped (0 keeps every non-empty box). */
    public GroundTruthCheck(int classes, float minArea) {
        if (classes < 1) throw new IllegalArgumentException("a detector needs at least 1 object class, got " + classes);
        if (!(minArea >= 0) || Float.isInfinite(minArea)) {
            throw new IllegalArgumentException("minimum box area must be >= 0 and finite, got " + minArea);
        }
        this.classes = classes;
        this.minArea = minArea;
    }

    /**
     * A detection shard row's object columns: obj_label (contiguous 0..K-1), obj_bbox (x, y, w, h
     * per object, pixels of the stored image), obj_iscrowd (0/1). The detector's class of an
     * object is obj_label + 1 (0 is the background). Columns of different lengths, or a label
     * outside the classes, are bad data.
     */
    public Result checkShardColumns(String key, int imageWidth, int imageHeight, int[] objLabel, float[] objBbox, int[] objIscrowd) {
        int n = objLabel.length;
        if (objBbox.length != 4 * n || objIscrowd.length != n) {
            throw new BadExampleException(key, n + " obj_label values but " + objBbox.length + " obj_bbox floats (4 per object) and "
                    + objIscrowd.length + " obj_iscrowd values");
        }
        List<Box> boxes = new ArrayList<>(n);
        int[] labels = new int[n];
        boolean[] crowd = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (objLabel[i] < 0 || objLabel[i] >= classes) {
                throw new BadExampleException(key, "object " + i + " has obj_label " + objLabel[i] + ", not a class in [0, " + classes
                        + ") of the detector (an unknown category id in the shards, or a detector of fewer classes)");
            }
            boxes.add(Box.ofXywh(objBbox[4 * i], objBbox[4 * i + 1], objBbox[4 * i + 2], objBbox[4 * i + 3]));
            labels[i] = objLabel[i] + 1;
            crowd[i] = objIscrowd[i] != 0;
        }
        return check(key, imageWidth, imageHeight, boxes, labels, crowd);
    }

    /** boxes: corner boxes in the image's pixels; labels 1..classes; crowd flags (null: none crowd). */
    public Result check(String key, int imageWidth, int imageHeight, List<Box> boxes, int[] labels, boolean[] crowd) {
        int n = boxes.size();
        if (labels.length != n || (crowd != null && crowd.length != n)) {
            throw new BadExampleException(key, n + " boxes but " + labels.length + " labels"
                    + (crowd == null ? "" : " and " + crowd.length + " crowd flags"));
        }
        List<Box> kept = new ArrayList<>(n);
        int[] keptLabels = new int[n];
        boolean[] keptCrowd = new boolean[n];
        int clipped = 0, empty = 0, outside = 0;
        for (int i = 0; i < n; i++) {
            Box b = boxes.get(i);
            if (!finite(b)) throw new BadExampleException(key, "box " + i + " " + b + " has a coordinate that is not a finite number");
            if (labels[i] < 1 || labels[i] > classes) {
                throw new BadExampleException(key, "box " + i + " has class " + labels[i] + ", not one of the detector's classes 1.."
                        + classes + " (0 is the background)");
            }
            if (b.area() <= 0) {
                empty++;
                continue;
            }
            Box c = new Box(clamp(b.x1(), imageWidth), clamp(b.y1(), imageHeight), clamp(b.x2(), imageWidth),
                    clamp(b.y2(), imageHeight));
            if (c.area() <= 0 || c.area() < minArea) {
                outside++;
                continue;
            }
            if (!c.equals(b)) clipped++;
            keptLabels[kept.size()] = labels[i];
            keptCrowd[kept.size()] = crowd != null && crowd[i];
            kept.add(c);
        }
        int k = kept.size();
        return new Result(new GroundTruth(kept, java.util.Arrays.copyOf(keptLabels, k), java.util.Arrays.copyOf(keptCrowd, k)),
                clipped, empty, outside);
    }

    private static boolean finite(Box b) {
        return Float.isFinite(b.x1()) && Float.isFinite(b.y1()) && Float.isFinite(b.x2()) && Float.isFinite(b.y2());
    }

    private static float clamp(float v, int max) { return Math.max(0f, Math.min(v, max)); }
}
