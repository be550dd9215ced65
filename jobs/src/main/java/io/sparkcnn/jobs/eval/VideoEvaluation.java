package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.task.VideoMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A video checkpoint's results on a split: clip accuracy (every clip scored alone), video
 * accuracy (the softmax of eval.clipsPerVideo clips averaged), top-1 and top-5, and per class.
 */
public record VideoEvaluation(VideoMetrics metrics, List<String> classNames) {

    /** The manifest's class names by index (the index itself where it names none). */
    public static List<String> names(Map<Integer, String> manifestClasses, int classes) {
        List<String> n = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            String name = manifestClasses == null ? null : manifestClasses.get(c);
            n.add(name == null ? String.valueOf(c) : name);
        }
        return n;
    }

    /** What evaluation-&lt;split&gt;.json holds. */
    public Map<String, Object> report(String split, String checkpoint) {
        VideoMetrics m = metrics;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("split", split);
        r.put("checkpoint", checkpoint);
        r.put("videos", m.videos());
        r.put("clips", m.clips());
        r.put("clipsPerVideo", m.clipsPerVideo());
        r.put("clipTop1", m.clipAccuracy());
        r.put("clipTop5", m.clipTop5Accuracy());
        r.put("clipMeanLoss", m.meanClipLoss());
        r.put("videoTop1", m.videoAccuracy());
        r.put("videoTop5", m.videoTop5Accuracy());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c < m.classes(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", c);
            row.put("name", classNames.get(c));
            row.put("videos", m.classVideos(c));
            row.put("videoAccuracy", nullIfNaN(m.classVideoAccuracy(c)));
            row.put("clipAccuracy", nullIfNaN(m.classClipAccuracy(c)));
            perClass.add(row);
        }
        r.put("perClass", perClass);
        return r;
    }

    private static Double nullIfNaN(double v) { return Double.isNaN(v) ? null : v; }

    /** The per-class table: name, videos, video accuracy, clip accuracy (n/a for a class without videos). */
    public String text() {
        StringBuilder b = new StringBuilder(String.format("%-24s %8s %10s %10s%n", "class", "videos", "video acc", "clip acc"));
        for (int c = 0; c < metrics.classes(); c++) {
            b.append(String.format("%-24s %8d %10s %10s%n", classNames.get(c), metrics.classVideos(c),
                    fmt(metrics.classVideoAccuracy(c)), fmt(metrics.classClipAccuracy(c))));
        }
        return b.toString();
    }

    private static String fmt(double v) { return Double.isNaN(v) ? "n/a" : String.format("%.4f", v); }
}
