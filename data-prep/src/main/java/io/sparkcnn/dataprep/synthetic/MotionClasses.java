package io.sparkcnn.dataprep.synthetic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The classes of the synthetic Kinetics set: a compass direction (8, image y grows downwards) times a
 * speed in pixels per frame. With one speed (the default) the label is the direction alone, so a frame
 * stride in temporal augmentation changes how fast a garment moves but never which class it is; with
 * several speeds stride augmentation would turn a slow clip into a fast one, so leave it off then.
 * Class index = position of the label in the sorted labels, as the Kinetics reader numbers them.
 */
public final class MotionClasses {
    /** One class: its Kinetics label and its velocity in pixels per frame. */
    public record Motion(String label, int vx, int vy) {}

    private static final String[] NAMES = {"east", "south-east", "south", "south-west", "west", "north-west", "north", "north-east"};
    private static final int[][] STEPS = {{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}};

    private MotionClasses() {}

    /** The classes for these speeds (pixels per frame, each >= 1, distinct), sorted by label. */
    public static List<Motion> of(int... speeds) {
        if (speeds.length == 0) throw new IllegalArgumentException("--speeds needs at least one speed");
        List<Motion> out = new ArrayList<>();
        for (int s : speeds) {
            if (s < 1) throw new IllegalArgumentException("speeds are whole pixels per frame >= 1, got " + s);
            for (int d = 0; d < NAMES.length; d++) {
                String label = speeds.length == 1 ? "moving " + NAMES[d]
                        : String.format(Locale.ROOT, "moving %s at %d px per frame", NAMES[d], s);
                out.add(new Motion(label, s * STEPS[d][0], s * STEPS[d][1]));
            }
        }
        out.sort(Comparator.comparing(Motion::label));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).label().equals(out.get(i - 1).label())) {
                throw new IllegalArgumentException("--speeds lists a speed twice: " + java.util.Arrays.toString(speeds));
            }
        }
        return out;
    }
}
