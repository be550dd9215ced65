package io.sparkcnn.model.metrics;

import java.util.List;
import java.util.Locale;

/**
 * The per-class table of a segmentation evaluation: for the console in cityscapesScripts' layout
 * ({@link #text}), and as tab-separated values for a file ({@link #tsv}). NaN (a class with neither
 * ground truth nor predictions) prints as "nan", as the Python evaluator does.
 */
public final class SegmentationReport {
    private SegmentationReport() {}

    public static String text(ConfusionMatrix m, List<String> classNames, int[] categoryOfClass,
            List<String> categoryNames) {
        SegmentationScores s = SegmentationScores.of(m);
        checkNames(m, classNames);
        StringBuilder b = new StringBuilder();
        b.append("classes          IoU\n--------------------------------\n");
        for (int c = 0; c < classNames.size(); c++) b.append(row(classNames.get(c), s.classIou(c)));
        b.append("--------------------------------\n").append(row("Score Average", s.meanIou()));
        if (categoryOfClass != null) {
            double[] cat = SegmentationScores.categoryIou(m, categoryOfClass, categoryNames.size());
            b.append("\ncategories       IoU\n--------------------------------\n");
            for (int k = 0; k < cat.length; k++) b.append(row(categoryNames.get(k), cat[k]));
            b.append("--------------------------------\n").append(row("Score Average", SegmentationScores.nanMean(cat)));
        }
        b.append('\n').append(row("pixel accuracy", s.pixelAccuracy()));
        return b.toString();
    }

    /** class, IoU, ground-truth pixels, predicted pixels, true positives; then the mean IoU and pixel accuracy. */
    public static String tsv(ConfusionMatrix m, List<String> classNames) {
        SegmentationScores s = SegmentationScores.of(m);
        checkNames(m, classNames);
        StringBuilder b = new StringBuilder("class\tiou\tground_truth_pixels\tpredicted_pixels\ttrue_positives\n");
        for (int c = 0; c < classNames.size(); c++) {
            b.append(classNames.get(c)).append('\t').append(number(s.classIou(c))).append('\t').append(m.truthTotal(c))
                    .append('\t').append(m.predictedTotal(c)).append('\t').append(m.count(c, c)).append('\n');
        }
        b.append("mean_iou\t").append(number(s.meanIou())).append("\t\t\t\n");
        b.append("pixel_accuracy\t").append(number(s.pixelAccuracy())).append("\t\t\t\n");
        return b.toString();
    }

    private static void checkNames(ConfusionMatrix m, List<String> classNames) {
        if (classNames.size() != m.classes()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + m.classes() + " classes");
        }
    }

    private static String row(String name, double v) {
        return String.format(Locale.ROOT, "%-14s: %s\n", name, Double.isNaN(v) ? "  nan" : String.format(Locale.ROOT, "%5.3f", v));
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.6f", v);
    }
}
