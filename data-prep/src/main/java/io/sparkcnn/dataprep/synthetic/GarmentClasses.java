package io.sparkcnn.dataprep.synthetic;

import io.sparkcnn.model.data.CityscapesLabels;
import java.util.List;

/**
 * Which Cityscapes class each Fashion-MNIST garment class plays in the synthetic scenes. Every target is
 * one of the 19 evaluated train classes, and no two garments share one, so the net must tell all ten
 * apart (T-shirt, pullover, coat and shirt look alike: the hard classes, as in Cityscapes).
 */
public final class GarmentClasses {
    /** Fashion-MNIST class names, index = its label. */
    public static final List<String> GARMENTS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Fashion-MNIST label -> Cityscapes labelId. */
    private static final int[] LABEL_ID = {
        24, // T-shirt/top -> person
        25, // Trouser     -> rider
        26, // Pullover    -> car
        27, // Dress       -> truck
        28, // Coat        -> bus
        31, // Sandal      -> train
        32, // Shirt       -> motorcycle
        33, // Sneaker     -> bicycle
        20, // Bag         -> traffic sign
        19, // Ankle boot  -> traffic light
    };

    /** Background labelIds (cityscapesScripts labels.py). */
    public static final int ROAD = 7;
    public static final int BUILDING = 11;
    public static final int SKY = 23;
    /** Void: a garment's soft border ('unlabeled') and the ego-vehicle strip; both become trainId 255. */
    public static final int UNLABELED = 0;
    public static final int EGO_VEHICLE = 1;

    private GarmentClasses() {}

    public static int labelId(int garment) {
        if (garment < 0 || garment >= LABEL_ID.length) {
            throw new IllegalArgumentException("Fashion-MNIST label " + garment + " outside 0..9");
        }
        return LABEL_ID[garment];
    }

    /** The mapping as a table for the docs and the generated README. */
    public static String table() {
        StringBuilder s = new StringBuilder();
        for (int g = 0; g < LABEL_ID.length; g++) {
            CityscapesLabels.Label l = CityscapesLabels.labelOfLabelId(LABEL_ID[g]);
            s.append(String.format("%-12s -> %-14s labelId %2d trainId %2d%n", GARMENTS.get(g), l.name(), l.labelId(),
                    l.trainId()));
        }
        return s.toString();
    }
}
