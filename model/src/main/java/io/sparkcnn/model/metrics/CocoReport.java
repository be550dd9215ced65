package io.sparkcnn.model.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * COCOeval.summarize's printed table, line for line, and a per-category table (original COCO id, name,
 * AP, AP50). Numbers are rounded from their exact binary value half-even, as Python's format does,
 * so the text equals what pycocotools prints for the same evaluation.
 */
public final class CocoReport {
    private CocoReport() {}

    private static final String[] AREA = {"all", "all", "all", "small", "medium", "large", "all", "all", "all", "small", "medium", "large"};
    private static final int[] MAX_DETS = {100, 100, 100, 100, 100, 100, 1, 10, 100, 100, 100, 100};
    private static final String[] IOU = {"0.50:0.95", "0.50", "0.75", "0.50:0.95", "0.50:0.95", "0.50:0.95",
        "0.50:0.95", "0.50:0.95", "0.50:0.95", "0.50:0.95", "0.50:0.95", "0.50:0.95"};

    /** The 12 lines COCOeval.summarize prints for boxes. */
    public static String summary(CocoEvaluation e) {
        double[] s = e.stats();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < CocoEvaluation.STATS; i++) {
            boolean ap = i < 6;
            b.append(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s%n",
                    ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", IOU[i], AREA[i], MAX_DETS[i],
                    fixed3(s[i])).replace(System.lineSeparator(), "\n"));
        }
        return b.toString();
    }

    /** One line per class: COCO id, name, AP@[.50:.95], AP50 (-1.000 for a class without ground truth). */
    public static String perCategory(CocoEvaluation e, CocoCategories categories) {
        if (categories.classes() != e.classes()) {
            throw new IllegalArgumentException(categories.classes() + " categories for an evaluation of " + e.classes() + " classes");
        }
        int width = 8;
        for (int k = 0; k < e.classes(); k++) width = Math.max(width, categories.name(k).length());
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%4s  %-" + width + "s  %6s  %6s%n", "id", "category", "AP", "AP50"));
        for (int k = 0; k < e.classes(); k++) {
            b.append(String.format(Locale.ROOT, "%4d  %-" + width + "s  %6s  %6s%n", categories.id(k), categories.name(k),
                    fixed3(e.classAp(k)), fixed3(e.classAp50(k))));
        }
        return b.toString().replace(System.lineSeparator(), "\n");
    }

    /** Python's '{:0.3f}'.format(v): the exact value rounded half-even. */
    static String fixed3(double v) {
        return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }
}
