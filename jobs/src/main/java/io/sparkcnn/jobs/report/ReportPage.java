package io.sparkcnn.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkcnn.model.checkpoint.Checkpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report as one HTML page: inline CSS, charts and overlays as data: URIs, no script and no
 * other file, so it opens anywhere, mailed or copied off a cluster.
 */
final class ReportPage {
    private final StringBuilder html = new StringBuilder();
    private int images;

    /** The page of a run's inputs. */
    static String of(RunInputs in) {
        ReportPage p = new ReportPage();
        p.render(in);
        return p.html.toString();
    }

    /** How many &lt;img&gt; the page holds (for the log line). */
    static int imageCount(String page) {
        int n = 0;
        for (int i = page.indexOf("<img "); i >= 0; i = page.indexOf("<img ", i + 1)) n++;
        return n;
    }

    private void render(RunInputs in) {
        String runName = setting(in, "run.name").orElse(in.runDir().getName());
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc("sparkcnn report: " + runName)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:1000px;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f2f2f2}td.l,th.l{text-align:left}img{display:block;margin:.5em 0}")
                .append("pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:12px}")
                .append("figure{display:inline-block;margin:.5em;font-size:12px;text-align:center}")
                .append(".note{color:#a60}</style></head><body>\n");
        html.append("<h1>").append(esc(runName)).append("</h1>\n<p>Run directory <code>").append(esc(in.runDir().toString()))
                .append("</code>; report written ").append(esc(Instant.now().toString())).append(".</p>\n");
        for (String n : in.notes()) html.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
        provenance(in, runName);
        training(in.rounds());
        for (RunInputs.Evaluation e : in.evaluations()) evaluation(e);
        gradCam(in.gradCam());
        in.checkpoint().ifPresent(l -> {
            html.append("<h2>Settings</h2>\n<p><code>").append(esc(l.dir().toString())).append("/job.conf</code></p>\n<pre>")
                    .append(esc(l.jobConfig())).append("</pre>\n");
        });
        html.append("</body></html>\n");
    }

    private void provenance(RunInputs in, String runName) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("run name", runName);
        in.checkpoint().ifPresent(l -> {
            Checkpoint c = l.checkpoint();
            rows.put("checkpoint", l.dir().toString());
            rows.put("code version", c.codeVersion());
            rows.put("network", c.network().name() + String.format(Locale.ROOT, " (%,d parameters)", c.network().paramCount()));
            rows.put("round / step / epoch", c.counter("round", -1) + " / " + c.counter("step", -1) + " / " + c.counter("epoch", -1));
            rows.put("workers x batch", c.counter("workers", -1) + " x " + c.counter("batchSizePerWorker", -1));
            rows.put("optimizer", c.optimizer());
            rows.put("seed", Long.toString(c.seed()));
            rows.put("data trained on", c.data() == null ? "not recorded" : c.data().describe());
            rows.put("data path", setting(in, "data.path").orElse("?"));
        });
        if (in.firstRoundWritten() > 0) {
            rows.put("metrics written", Instant.ofEpochMilli(in.firstRoundWritten()) + " .. " + Instant.ofEpochMilli(in.lastRoundWritten()));
        }
        if (in.checkpointWritten() > 0) rows.put("checkpoint written", Instant.ofEpochMilli(in.checkpointWritten()).toString());
        html.append("<h2>Provenance</h2>\n<table>");
        rows.forEach((k, v) -> html.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">").append(esc(v))
                .append("</td></tr>"));
        html.append("</table>\n");
    }

    private void training(List<RoundLog.Round> rounds) {
        if (rounds.isEmpty()) return;
        int n = rounds.size();
        double[] x = new double[n], loss = new double[n], lr = new double[n], speed = new double[n];
        TreeSet<Integer> workers = new TreeSet<>();
        double speedSum = 0;
        for (int i = 0; i < n; i++) {
            RoundLog.Round r = rounds.get(i);
            x[i] = r.round();
            loss[i] = r.loss();
            lr[i] = r.learningRate();
            speed[i] = r.examplesPerSecond();
            if (Double.isFinite(speed[i])) speedSum += speed[i];
            workers.addAll(r.workerComputeMs().keySet());
        }
        RoundLog.Round last = rounds.get(n - 1);
        html.append("<h2>Training</h2>\n<p>").append(n).append(" rounds logged (rounds ").append(rounds.get(0).round())
                .append("..").append(last.round()).append("); last round: epoch ").append(last.epoch()).append(", step ")
                .append(last.step()).append(", loss <b>").append(num(last.loss())).append("</b>; mean ")
                .append(String.format(Locale.ROOT, "%,.1f", speedSum / n)).append(" examples/s.</p>\n");
        image("loss over rounds", Charts.lines("Training loss (mean over the round's minibatches)", "loss",
                Map.of("loss", new double[][] {x, loss}), false));
        if (java.util.Arrays.stream(lr).anyMatch(Double::isFinite)) {
            image("learning rate over rounds", Charts.lines("Learning rate (at the round's first update)", "learning rate",
                    Map.of("learning rate", new double[][] {x, lr}), false));
        } else {
            html.append("<p class=\"note\">The metrics hold no learning rate (logged by newer versions).</p>\n");
        }
        image("examples per second", Charts.lines("Throughput", "examples / s", Map.of("examples/s", new double[][] {x, speed}), false));
        Map<String, double[][]> perWorker = new LinkedHashMap<>();
        for (int w : workers) {
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) ms[i] = rounds.get(i).workerComputeMs().getOrDefault(w, Double.NaN);
            perWorker.put("worker " + w, new double[][] {x, ms});
        }
        if (!perWorker.isEmpty()) {
            image("compute time per worker", Charts.lines("Compute time per worker and round (a straggler stands out)", "ms",
                    perWorker, false));
        }
    }

    private void evaluation(RunInputs.Evaluation e) {
        JsonNode j = e.json();
        html.append("<h2>Evaluation on '").append(esc(e.split())).append("'</h2>\n<p><code>").append(esc(e.file().toString()))
                .append("</code></p>\n");
        Map<String, JsonNode> headline = new LinkedHashMap<>();
        headlines("", j, headline);
        html.append("<table><tr><th class=\"l\">metric</th><th>value</th></tr>");
        headline.forEach((k, v) -> html.append("<tr><td class=\"l\">").append(esc(k)).append("</td><td>")
                .append(v.isIntegralNumber() ? String.format(Locale.ROOT, "%,d", v.asLong()) : num(v.asDouble())).append("</td></tr>"));
        html.append("</table>\n");
        Map<String, Double> fractions = new LinkedHashMap<>();
        headline.forEach((k, n) -> {
            double v = n.asDouble();
            if (!n.isIntegralNumber() && v >= 0 && v <= 1 && !k.toLowerCase(Locale.ROOT).contains("loss")) fractions.put(k, v);
        });
        if (!fractions.isEmpty()) {
            image("evaluation metrics", Charts.bars("Evaluation metrics on '" + e.split() + "'", "value",
                    List.copyOf(fractions.keySet()), Map.of("value", fractions.values().stream().mapToDouble(Double::doubleValue).toArray()), 1));
        }
        List<String> names = classNames(j);
        if (j.path("confusion").isArray() && j.path("confusion").size() > 0) {
            long[][] m = confusion(j.path("confusion"));
            while (names.size() < m.length) names.add(Integer.toString(names.size()));
            confusionTable(m, names);
            classScores(ClassScores.of(m), names, e.split());
        }
        perClassTables(j);
    }

    /** Every top-level number, and the numbers of nested objects as parent.child (coco.AP, baseline.meanIou). */
    private static void headlines(String prefix, JsonNode j, Map<String, JsonNode> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = j.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isNumber()) out.put(prefix + f.getKey(), f.getValue());
            else if (f.getValue().isObject() && prefix.isEmpty() && !f.getKey().equals("classNames")
                    && !f.getKey().equals("classIou") && !f.getKey().equals("categoryIou")) {
                headlines(f.getKey() + ".", f.getValue(), out);
            }
        }
    }

    private static List<String> classNames(JsonNode j) {
        List<String> names = new ArrayList<>();
        JsonNode cn = j.path("classNames");
        if (cn.isObject()) {
            for (int c = 0; cn.has(Integer.toString(c)); c++) names.add(cn.get(Integer.toString(c)).asText());
        } else if (j.path("classIou").isObject()) {
            j.path("classIou").fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    private static long[][] confusion(JsonNode rows) {
        long[][] m = new long[rows.size()][];
        for (int t = 0; t < m.length; t++) {
            m[t] = new long[rows.get(t).size()];
            for (int p = 0; p < m[t].length; p++) m[t][p] = rows.get(t).get(p).asLong();
        }
        return m;
    }

    /** Rows: true class; columns: predicted; each cell shaded by its share of the row. */
    private void confusionTable(long[][] m, List<String> names) {
        html.append("<h3>Confusion matrix</h3>\n<p>Rows: true class; columns: predicted; shade: the share of the row.</p>\n")
                .append("<table><tr><th class=\"l\">true \\ predicted</th>");
        for (int p = 0; p < m.length; p++) html.append("<th>").append(esc(names.get(p))).append("</th>");
        html.append("</tr>");
        for (int t = 0; t < m.length; t++) {
            long row = 0;
            for (long v : m[t]) row += v;
            html.append("<tr><th class=\"l\">").append(esc(names.get(t))).append("</th>");
            for (int p = 0; p < m[t].length; p++) {
                double share = row == 0 ? 0 : (double) m[t][p] / row;
                int light = (int) Math.round(255 - share * 190);
                String bg = t == p ? String.format("rgb(%d,%d,255)", light, light) : String.format("rgb(255,%d,%d)", light, light);
                html.append("<td style=\"background:").append(share == 0 ? "#fff" : bg).append(share > 0.6 ? ";color:#fff" : "")
                        .append("\">").append(m[t][p]).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>\n");
    }

    private void classScores(ClassScores s, List<String> names, String split) {
        html.append("<h3>Per-class scores</h3>\n<p>Macro F1 ").append(num(s.macroF1()))
                .append("; &ndash; where a class was never predicted or never present.</p>\n<table><tr><th class=\"l\">class</th>")
                .append("<th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
        for (int c = 0; c < s.classes(); c++) {
            html.append("<tr><td class=\"l\">").append(esc(names.get(c))).append("</td><td>").append(num(s.precision()[c]))
                    .append("</td><td>").append(num(s.recall()[c])).append("</td><td>").append(num(s.f1()[c])).append("</td><td>")
                    .append(s.support()[c]).append("</td></tr>");
        }
        html.append("</table>\n");
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("precision", s.precision());
        series.put("recall", s.recall());
        series.put("F1", s.f1());
        image("per-class precision, recall and F1", Charts.bars("Per-class scores on '" + split + "'", "score",
                names.subList(0, s.classes()), series, 1));
    }

    /** Segmentation's classIou / categoryIou maps and detection's or video's per-class lists, as tables. */
    private void perClassTables(JsonNode j) {
        for (String key : List.of("classIou", "categoryIou")) {
            JsonNode m = j.path(key);
            if (!m.isObject()) continue;
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            m.fields().forEachRemaining(f -> { names.add(f.getKey()); values.add(f.getValue().isNumber() ? f.getValue().asDouble() : Double.NaN); });
            html.append("<h3>").append(esc(key)).append("</h3>\n<table><tr><th class=\"l\">class</th><th>IoU</th></tr>");
            for (int i = 0; i < names.size(); i++) {
                html.append("<tr><td class=\"l\">").append(esc(names.get(i))).append("</td><td>").append(num(values.get(i)))
                        .append("</td></tr>");
            }
            html.append("</table>\n");
            image(key, Charts.bars(key, "IoU", names, Map.of("IoU", values.stream().mapToDouble(Double::doubleValue).toArray()), 1));
        }
        for (String key : List.of("categories", "perClass")) {
            JsonNode list = j.path(key);
            if (!list.isArray() || list.isEmpty() || !list.get(0).isObject()) continue;
            List<String> columns = new ArrayList<>();
            list.get(0).fieldNames().forEachRemaining(columns::add);
            html.append("<h3>").append(esc(key)).append("</h3>\n<table><tr>");
            for (String c : columns) html.append("<th>").append(esc(c)).append("</th>");
            html.append("</tr>");
            for (JsonNode row : list) {
                html.append("<tr>");
                for (String c : columns) {
                    JsonNode v = row.path(c);
                    html.append(v.isNumber() && !v.isIntegralNumber() ? "<td>" + num(v.asDouble()) : "<td class=\"l\">"
                            + esc(v.isNull() || v.isMissingNode() ? "–" : v.asText())).append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</table>\n");
        }
    }

    private void gradCam(List<RunInputs.GradCam> overlays) {
        if (overlays.isEmpty()) return;
        html.append("<h2>Grad-CAM</h2>\n<p>The first ").append(overlays.size()).append(" rows of the evaluation split, as evaluate")
                .append(" explained them (layer '").append(esc(overlays.get(0).layer()))
                .append("', the predicted class; red: where the class score's gradient weighs most).</p>\n");
        for (RunInputs.GradCam g : overlays) {
            html.append("<figure>");
            imgTag(g.key(), g.png(), "width:128px;image-rendering:pixelated");
            html.append("<figcaption>").append(esc(g.key())).append("<br>label ").append(esc(g.label().isEmpty() ? "?" : g.label()))
                    .append(", predicted ").append(esc(g.predicted())).append(" (").append(num(g.predictedScore())).append(")")
                    .append("</figcaption></figure>\n");
        }
    }

    private void image(String alt, byte[] png) {
        imgTag(alt, png, null);
        html.append('\n');
    }

    private void imgTag(String alt, byte[] png, String style) {
        images++;
        html.append("<img alt=\"").append(esc(alt)).append("\"").append(style == null ? "" : " style=\"" + style + "\"")
                .append(" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">");
    }

    private static java.util.Optional<String> setting(RunInputs in, String key) {
        return in.checkpoint().flatMap(l -> {
            try {
                return java.util.Optional.of(com.typesafe.config.ConfigFactory.parseString(l.jobConfig()).getString(key));
            } catch (RuntimeException e) {
                return java.util.Optional.empty();
            }
        });
    }

    /** A measured value: 4 decimals, 3 significant digits when small; NaN (undefined) as a dash. */
    static String num(double v) {
        if (Double.isNaN(v)) return "–";
        if (v == 0) return "0";
        return Math.abs(v) >= 1e-3 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
