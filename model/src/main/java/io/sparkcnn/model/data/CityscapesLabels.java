package io.sparkcnn.model.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Cityscapes label table, as cityscapesScripts' helpers/labels.py defines it: ground-truth PNGs hold
 * labelIds 0..33; training uses the 19 trainIds (255 = ignored in training and evaluation); results for
 * cityscapesScripts' evaluator must be written back in labelIds. The license plate has labelId -1 (it
 * never appears in a PNG) and trainId -1.
 */
public final class CityscapesLabels {
    /** Pixels the loss and the metrics skip. */
    public static final int IGNORE = 255;
    /** labelIds in ground-truth PNGs run 0..MAX_LABEL_ID. */
    public static final int MAX_LABEL_ID = 33;
    public static final int TRAIN_CLASSES = 19;

    /** One row of labels.py; colour as 0xRRGGBB. */
    public record Label(String name, int labelId, int trainId, String category, int categoryId,
            boolean hasInstances, boolean ignoreInEval, int rgb) {}

    private static Label l(String name, int id, int trainId, String category, int catId, boolean inst, boolean ignore,
            int r, int g, int b) {
        return new Label(name, id, trainId, category, catId, inst, ignore, (r << 16) | (g << 8) | b);
    }

    public static final List<Label> LABELS = List.of(
            l("unlabeled", 0, 255, "void", 0, false, true, 0, 0, 0),
            l("ego vehicle", 1, 255, "void", 0, false, true, 0, 0, 0),
            l("rectification border", 2, 255, "void", 0, false, true, 0, 0, 0),
            l("out of roi", 3, 255, "void", 0, false, true, 0, 0, 0),
            l("static", 4, 255, "void", 0, false, true, 0, 0, 0),
            l("dynamic", 5, 255, "void", 0, false, true, 111, 74, 0),
            l("ground", 6, 255, "void", 0, false, true, 81, 0, 81),
            l("road", 7, 0, "flat", 1, false, false, 128, 64, 128),
            l("sidewalk", 8, 1, "flat", 1, false, false, 244, 35, 232),
            l("parking", 9, 255, "flat", 1, false, true, 250, 170, 160),
            l("rail track", 10, 255, "flat", 1, false, true, 230, 150, 140),
            l("building", 11, 2, "construction", 2, false, false, 70, 70, 70),
            l("wall", 12, 3, "construction", 2, false, false, 102, 102, 156),
            l("fence", 13, 4, "construction", 2, false, false, 190, 153, 153),
            l("guard rail", 14, 255, "construction", 2, false, true, 180, 165, 180),
            l("bridge", 15, 255, "construction", 2, false, true, 150, 100, 100),
            l("tunnel", 16, 255, "construction", 2, false, true, 150, 120, 90),
            l("pole", 17, 5, "object", 3, false, false, 153, 153, 153),
            l("polegroup", 18, 255, "object", 3, false, true, 153, 153, 153),
            l("traffic light", 19, 6, "object", 3, false, false, 250, 170, 30),
            l("traffic sign", 20, 7, "object", 3, false, false, 220, 220, 0),
            l("vegetation", 21, 8, "nature", 4, false, false, 107, 142, 35),
            l("terrain", 22, 9, "nature", 4, false, false, 152, 251, 152),
            l("sky", 23, 10, "sky", 5, false, false, 70, 130, 180),
            l("person", 24, 11, "human", 6, true, false, 220, 20, 60),
            l("rider", 25, 12, "human", 6, true, false, 255, 0, 0),
            l("car", 26, 13, "vehicle", 7, true, false, 0, 0, 142),
            l("truck", 27, 14, "vehicle", 7, true, false, 0, 0, 70),
            l("bus", 28, 15, "vehicle", 7, true, false, 0, 60, 100),
            l("caravan", 29, 255, "vehicle", 7, true, true, 0, 0, 90),
            l("trailer", 30, 255, "vehicle", 7, true, true, 0, 0, 110),
            l("train", 31, 16, "vehicle", 7, true, false, 0, 80, 100),
            l("motorcycle", 32, 17, "vehicle", 7, true, false, 0, 0, 230),
            l("bicycle", 33, 18, "vehicle", 7, true, false, 119, 11, 32),
            l("license plate", -1, -1, "vehicle", 7, false, true, 0, 0, 142));

    /** categoryId 0..7; the evaluated categories are 1..7 (void holds no train class). */
    public static final List<String> CATEGORIES = List.of("void", "flat", "construction", "object", "nature", "sky",
            "human", "vehicle");

    private static final int[] TRAIN_ID_OF_LABEL = new int[MAX_LABEL_ID + 1];
    private static final Label[] LABEL_OF_TRAIN_ID = new Label[TRAIN_CLASSES];

    static {
        for (Label label : LABELS) {
            if (label.labelId() < 0) continue;
            TRAIN_ID_OF_LABEL[label.labelId()] = label.trainId();
            // labels.py's trainId2label walks the list reversed, so the FIRST label of a trainId wins
            if (label.trainId() != IGNORE && LABEL_OF_TRAIN_ID[label.trainId()] == null) {
                LABEL_OF_TRAIN_ID[label.trainId()] = label;
            }
        }
    }

    private CityscapesLabels() {}

    /** labelId (0..33) -> trainId (0..18, or 255); a copy, index = labelId. */
    public static int[] labelIdToTrainIdTable() {
        return TRAIN_ID_OF_LABEL.clone();
    }

    /** trainId of a ground-truth labelId; IllegalArgumentException for an id outside 0..33. */
    public static int trainId(int labelId) {
        if (labelId < 0 || labelId > MAX_LABEL_ID) {
            throw new IllegalArgumentException("label id " + labelId + " outside the Cityscapes labelId table 0.."
                    + MAX_LABEL_ID);
        }
        return TRAIN_ID_OF_LABEL[labelId];
    }

    /** The labelId cityscapesScripts' evaluator expects for a predicted trainId (0..18). */
    public static int labelId(int trainId) {
        return labelOfTrainId(trainId).labelId();
    }

    public static Label labelOfTrainId(int trainId) {
        if (trainId < 0 || trainId >= TRAIN_CLASSES) {
            throw new IllegalArgumentException("train id " + trainId + " outside 0.." + (TRAIN_CLASSES - 1));
        }
        return LABEL_OF_TRAIN_ID[trainId];
    }

    public static Label labelOfLabelId(int labelId) {
        if (labelId < 0 || labelId > MAX_LABEL_ID) {
            throw new IllegalArgumentException("label id " + labelId + " outside 0.." + MAX_LABEL_ID);
        }
        return LABELS.get(labelId); // the table lists labelIds 0..33 in order
    }

    /** trainId -> 0xRRGGBB, index = trainId (0..18). */
    public static int[] trainIdPalette() {
        int[] p = new int[TRAIN_CLASSES];
        for (int t = 0; t < TRAIN_CLASSES; t++) p[t] = LABEL_OF_TRAIN_ID[t].rgb();
        return p;
    }

    /** Names of the 19 train classes, index = trainId. */
    public static List<String> trainClassNames() {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < TRAIN_CLASSES; t++) names.add(LABEL_OF_TRAIN_ID[t].name());
        return Collections.unmodifiableList(names);
    }

    /** The 7 evaluated categories (flat .. vehicle), index = categoryId - 1. */
    public static List<String> evaluatedCategories() {
        return CATEGORIES.subList(1, CATEGORIES.size());
    }

    /** trainId -> index into {@link #evaluatedCategories()}, for SegmentationScores.categoryIou. */
    public static int[] categoryOfTrainId() {
        int[] c = new int[TRAIN_CLASSES];
        for (int t = 0; t < TRAIN_CLASSES; t++) c[t] = LABEL_OF_TRAIN_ID[t].categoryId() - 1;
        return c;
    }
}
