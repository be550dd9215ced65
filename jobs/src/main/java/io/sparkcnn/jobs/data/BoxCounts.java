package io.sparkcnn.jobs.data;

import io.sparkcnn.model.detect.GroundTruthCheck;

import java.io.Serializable;

/**
 * What {@link io.sparkcnn.model.detect.GroundTruthCheck} did to a split's boxes, summed over rows:
 * the objects as stored, those kept (crowd among them), clipped to the image, and dropped for an
 * annotated area of zero (empty) or for no area left inside the image (outside). Reported by the
 * jobs so that no box disappears silently. Mergeable, in any order.
 */
public record BoxCounts(long rows, long rowsWithoutBoxes, long objects, long kept, long crowd, long clipped,
                        long droppedEmpty, long droppedOutside) implements Serializable {
    public static final BoxCounts NONE = new BoxCounts(0, 0, 0, 0, 0, 0, 0, 0);

    /** One row's check. */
    public static BoxCounts of(int stored, GroundTruthCheck.Result r) {
        int crowd = 0;
        for (int i = 0; i < r.truth().size(); i++) if (r.truth().isCrowd(i)) crowd++;
        return new BoxCounts(1, r.truth().size() == 0 ? 1 : 0, stored, r.truth().size(), crowd, r.clipped(),
                r.droppedEmpty(), r.droppedOutside());
    }

    public BoxCounts plus(BoxCounts o) {
        return new BoxCounts(rows + o.rows, rowsWithoutBoxes + o.rowsWithoutBoxes, objects + o.objects, kept + o.kept,
                crowd + o.crowd, clipped + o.clipped, droppedEmpty + o.droppedEmpty, droppedOutside + o.droppedOutside);
    }

    /** One line for the console and the log. */
    public String describe(String split) {
        return String.format("split '%s': %,d images (%,d without boxes), %,d objects: %,d kept (%,d crowd), %,d clipped to"
                        + " the image, %,d dropped for zero area, %,d dropped outside the image", split, rows, rowsWithoutBoxes,
                objects, kept, crowd, clipped, droppedEmpty, droppedOutside);
    }
}
