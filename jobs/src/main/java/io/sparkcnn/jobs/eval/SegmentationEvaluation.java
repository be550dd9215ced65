package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.data.CityscapesLabels;
import io.sparkcnn.model.metrics.ConfusionMatrix;
import io.sparkcnn.model.metrics.SegmentationReport;
import io.sparkcnn.model.metrics.SegmentationScores;
import io.sparkcnn.model.task.SegmentationMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A segmentation evaluation of a whole split: the merged metrics (one confusion matrix, as
 * cityscapesScripts counts), per-class and category IoU, mean IoU, pixel accuracy, and beside
 * them the all-background baseline: the constant prediction of the most frequent ground-truth
 * class, which a working network must beat by far.
 */
public record SegmentationEvaluation(SegmentationMetrics metrics, List<String> classNames) {

    /** Class names from the manifest (index -> name) where it names them all, Cityscapes' for 19 classes, else "class c". */
    public static List<String> classNames(Map<Integer, String> manifestNames, int classes) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            String n = manifestNames == null ? null : manifestNames.get(c);
            if (n == null) {
                return classes == CityscapesLabels.TRAIN_CLASSES ? CityscapesLabels.trainClassNames() : generic(classes);
            }
            names.add(n);
        }
        return names;
    }

    private static List<String> generic(int classes) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) names.add("class " + c);
        return names;
    }

    public ConfusionMatrix confusion() { return metrics.confusion(); }

    public SegmentationScores scores() { return metrics.scores(); }

    /** The most frequent ground-truth class: what the baseline predicts everywhere. */
    public int baselineClass() { return SegmentationScores.mostFrequentTruth(confusion()); }

    public SegmentationScores baseline() { return SegmentationScores.constantPrediction(confusion(), baselineClass()); }

    private boolean cityscapes() { return confusion().classes() == CityscapesLabels.TRAIN_CLASSES; }

    /** The 7 Cityscapes categories' IoU, or null for another class set. */
    public double[] categoryIou() { return cityscapes() ? metrics.cityscapesCategoryIou() : null; }

    /** The per-class (and category) table in cityscapesScripts' layout, then the baseline. */
    public String text() {
        String table = cityscapes()
                ? SegmentationReport.text(confusion(), classNames, CityscapesLabels.categoryOfTrainId(),
                        CityscapesLabels.evaluatedCategories())
                : SegmentationReport.text(confusion(), classNames, null, null);
        SegmentationScores b = baseline();
        return table + String.format(Locale.ROOT, "%nbaseline (all '%s'): mIoU %.3f, pixel accuracy %.3f%n",
                classNames.get(baselineClass()), b.meanIou(), b.pixelAccuracy());
    }

    /** class, IoU, pixel counts per class; mean IoU and pixel accuracy (SegmentationReport's TSV). */
    public String tsv() { return SegmentationReport.tsv(confusion(), classNames); }

    /** The JSON written beside the checkpoint; NaN (a class absent and never predicted) is null. */
    public Map<String, Object> report(String split, String checkpoint) {
        SegmentationScores s = scores(), b = baseline();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint", checkpoint);
        m.put("split", split);
        m.put("task", "segmentation");
        m.put("pixels", s.countedPixels());
        m.put("meanIou", number(s.meanIou()));
        m.put("pixelAccuracy", number(s.pixelAccuracy()));
        m.put("meanLoss", number(metrics.meanLoss()));
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classNames.size(); c++) perClass.put(classNames.get(c), number(s.classIou(c)));
        m.put("classIou", perClass);
        double[] cat = categoryIou();
        if (cat != null) {
            Map<String, Object> perCategory = new LinkedHashMap<>();
            List<String> names = CityscapesLabels.evaluatedCategories();
            for (int k = 0; k < cat.length; k++) perCategory.put(names.get(k), number(cat[k]));
            m.put("categoryIou", perCategory);
            m.put("meanCategoryIou", number(SegmentationScores.nanMean(cat)));
        }
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("predicts", classNames.get(baselineClass()));
        base.put("meanIou", number(b.meanIou()));
        base.put("pixelAccuracy", number(b.pixelAccuracy()));
        m.put("baseline", base);
        ConfusionMatrix cm = confusion();
        long[][] rows = new long[cm.classes()][cm.classes()];
        for (int t = 0; t < cm.classes(); t++) for (int p = 0; p < cm.classes(); p++) rows[t][p] = cm.count(t, p);
        m.put("confusion", rows);
        return m;
    }

    private static Double number(double v) { return Double.isNaN(v) ? null : v; }
}
