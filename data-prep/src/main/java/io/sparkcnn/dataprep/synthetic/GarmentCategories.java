package io.sparkcnn.dataprep.synthetic;

import java.util.List;

/**
 * The COCO categories of the synthetic detection set: one per Fashion-MNIST garment class, with ids
 * spread over 1..90 with gaps, as COCO's are, and in another order than the garment labels, so
 * that a job which confuses the original category id, the contiguous class index and the garment
 * label gets caught by the figures.
 */
public final class GarmentCategories {
    /** Fashion-MNIST label -> COCO-style category id. */
    private static final int[] CATEGORY_ID = {27, 3, 15, 8, 44, 1, 31, 13, 62, 90};
    private static final String[] NAME = {"t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
            "sneaker", "bag", "ankle boot"};
    private static final String[] SUPERCATEGORY = {"top", "bottom", "top", "dress", "top", "footwear", "top",
            "footwear", "accessory", "footwear"};

    private GarmentCategories() {}

    public static int count() { return CATEGORY_ID.length; }

    public static int categoryId(int garment) { return CATEGORY_ID[check(garment)]; }

    public static String name(int garment) { return NAME[check(garment)]; }

    public static String supercategory(int garment) { return SUPERCATEGORY[check(garment)]; }

    /** Category ids in ascending order: the order data-prep numbers the contiguous classes in. */
    public static List<Integer> sortedIds() {
        return java.util.Arrays.stream(CATEGORY_ID).sorted().boxed().toList();
    }

    private static int check(int garment) {
        if (garment < 0 || garment >= CATEGORY_ID.length) {
            throw new IllegalArgumentException("Fashion-MNIST label " + garment + " outside 0..9");
        }
        return garment;
    }

    /** One line per category for the dataset's README: id, name, supercategory. */
    static String table() {
        StringBuilder s = new StringBuilder();
        for (int g = 0; g < CATEGORY_ID.length; g++) {
            s.append(String.format("  %-11s -> category %2d '%s' (%s)%n", GarmentClasses.GARMENTS.get(g), CATEGORY_ID[g],
                    NAME[g], SUPERCATEGORY[g]));
        }
        return s.toString();
    }
}
