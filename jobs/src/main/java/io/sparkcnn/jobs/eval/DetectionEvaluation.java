package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.metrics.CocoCategories;
import io.sparkcnn.model.metrics.CocoEvaluation;
import io.sparkcnn.model.metrics.CocoReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A COCO evaluation of a whole split (cocoeval's bbox numbers over the merged per-image matches)
 * with the dataset's categories: the summary cocoeval prints, the per-category table, and the
 * report written beside the checkpoint.
 */
public record DetectionEvaluation(CocoEvaluation coco, CocoCategories categories) {
    /** The names of {@link CocoEvaluation#stats()}, in order (pycocotools' stats[0..11]). */
    public static final List<String> STAT_NAMES = List.of("AP", "AP50", "AP75", "APsmall", "APmedium", "APlarge",
            "AR1", "AR10", "AR100", "ARsmall", "ARmedium", "ARlarge");
    // data-prep's coco manifests name class k "<name> (id <category id>)"
    private static final Pattern NAMED_ID = Pattern.compile("^(.*) \\(id (-?\\d+)\\)$");

    /**
     * Class k's original category id and name from the manifest's class names ("person (id 1)");
     * a manifest without ids gives class k the id k + 1 (COCO's ids start at 1) and names "class k".
     */
    public static CocoCategories categories(Map<Integer, String> manifestNames, int classes) {
        int[] ids = new int[classes];
        List<String> names = new ArrayList<>();
        boolean all = true;
        for (int k = 0; k < classes && all; k++) {
            String n = manifestNames == null ? null : manifestNames.get(k);
            Matcher m = n == null ? null : NAMED_ID.matcher(n);
            if (m == null || !m.matches()) {
                all = false;
                break;
            }
            ids[k] = Integer.parseInt(m.group(2));
            names.add(m.group(1));
        }
        if (!all) {
            names.clear();
            for (int k = 0; k < classes; k++) {
                ids[k] = k + 1;
                String n = manifestNames == null ? null : manifestNames.get(k);
                names.add(n == null ? "class " + k : n);
            }
        }
        return new CocoCategories(ids, names);
    }

    public double[] stats() { return coco.stats(); }

    /** cocoeval's summary, then id, name, AP and AP50 per category. */
    public String text() { return CocoReport.summary(coco) + "\n" + CocoReport.perCategory(coco, categories); }

    /** The JSON beside the checkpoint: the 12 numbers by name, per-category AP and AP50 with the original ids. */
    public Map<String, Object> report(String split, String checkpoint, Map<String, Object> boxes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint", checkpoint);
        m.put("split", split);
        m.put("task", "detection");
        double[] s = stats();
        Map<String, Object> stats = new LinkedHashMap<>();
        for (int i = 0; i < s.length; i++) stats.put(STAT_NAMES.get(i), s[i]);
        m.put("coco", stats);
        List<Map<String, Object>> perCategory = new ArrayList<>();
        for (int k = 0; k < categories.classes(); k++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", categories.id(k));
            c.put("name", categories.name(k));
            c.put("AP", coco.classAp(k));
            c.put("AP50", coco.classAp50(k));
            perCategory.add(c);
        }
        m.put("categories", perCategory);
        if (boxes != null) m.put("groundTruth", boxes);
        return m;
    }
}
