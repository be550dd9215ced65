package io.sparkcnn.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a run directory holds for its report, read through Hadoop's file systems: the rounds
 * (metrics/), the newest complete checkpoint (provenance and job.conf), the evaluations beside the
 * newest checkpoint that has any ({@code evaluation-<split>.json}), and the Grad-CAM overlays that
 * evaluate left in {@link GradCamSamples#FOLDER}. What is missing is left out of the page, with a
 * note saying so, rather than failing it.
 */
record RunInputs(Path runDir, List<RoundLog.Round> rounds, long firstRoundWritten, long lastRoundWritten,
                 Optional<CheckpointStore.Loaded> checkpoint, long checkpointWritten, List<Evaluation> evaluations,
                 List<GradCam> gradCam, List<String> notes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One evaluation-&lt;split&gt;.json, parsed. */
    record Evaluation(String split, Path file, JsonNode json) {}

    /** One overlay PNG with its index line's fields. */
    record GradCam(String key, String label, String predicted, double predictedScore, String layer, byte[] png) {}

    static RunInputs read(String runDir, Configuration conf) throws IOException {
        Path run = new Path(runDir);
        FileSystem fs = run.getFileSystem(conf);
        run = fs.makeQualified(run);
        if (!fs.exists(run)) throw new java.io.FileNotFoundException("no run directory at " + run);
        List<String> notes = new ArrayList<>();
        List<RoundLog.Round> rounds = RoundLog.read(fs, run);
        long first = 0, last = 0;
        Path metrics = new Path(run, "metrics");
        if (fs.exists(metrics)) {
            for (FileStatus s : fs.listStatus(metrics)) {
                first = first == 0 ? s.getModificationTime() : Math.min(first, s.getModificationTime());
                last = Math.max(last, s.getModificationTime());
            }
        }
        if (rounds.isEmpty()) notes.add("no rounds under " + metrics + ": the run has not trained (or logged) yet");

        CheckpointStore store = new CheckpointStore(run.toString(), conf);
        CheckpointStore.Search search = store.search();
        search.damaged().forEach(d -> notes.add("skipped damaged checkpoint " + d.dir() + ": " + d.reason()));
        Optional<CheckpointStore.Loaded> newest = search.newest();
        long written = 0;
        if (newest.isPresent()) {
            written = fs.getFileStatus(new Path(newest.get().dir(), CheckpointStore.MODEL_FILE)).getModificationTime();
        } else {
            notes.add("no complete checkpoint under " + store.root());
        }

        List<Evaluation> evaluations = new ArrayList<>();
        for (Path dir : store.list()) {
            FileStatus[] files = fs.listStatus(dir, p -> p.getName().startsWith("evaluation-") && p.getName().endsWith(".json"));
            if (files.length == 0) continue;
            Arrays.sort(files, Comparator.comparing((FileStatus s) -> s.getPath().getName()));
            for (FileStatus f : files) {
                String name = f.getPath().getName();
                try {
                    evaluations.add(new Evaluation(name.substring("evaluation-".length(), name.length() - ".json".length()),
                            f.getPath(), JSON.readTree(text(fs, f.getPath()))));
                } catch (IOException e) {
                    notes.add("cannot read " + f.getPath() + ": " + e.getMessage());
                }
            }
            break; // the newest checkpoint that was evaluated
        }
        if (evaluations.isEmpty()) notes.add("no evaluation-<split>.json beside any checkpoint: run evaluate");
        return new RunInputs(run, rounds, first, last, newest, written, evaluations, gradCam(fs, run, notes), notes);
    }

    private static List<GradCam> gradCam(FileSystem fs, Path run, List<String> notes) throws IOException {
        Path dir = new Path(run, GradCamSamples.FOLDER);
        Path index = new Path(dir, io.sparkcnn.jobs.ExplainJob.INDEX);
        if (!fs.exists(index)) return List.of();
        List<GradCam> out = new ArrayList<>();
        String[] lines = text(fs, index).split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            List<String> f = csvFields(lines[i]);
            if (f.size() < 10) {
                notes.add(index + " line " + (i + 1) + ": " + f.size() + " fields, not 10; skipped");
                continue;
            }
            Path png = new Path(dir, f.get(0));
            if (!fs.exists(png)) {
                notes.add(index + " line " + (i + 1) + ": no " + png + "; skipped");
                continue;
            }
            try (InputStream in = fs.open(png)) {
                out.add(new GradCam(f.get(1), f.get(2), f.get(4).isEmpty() ? f.get(3) : f.get(4), parse(f.get(5)), f.get(9),
                        in.readAllBytes()));
            }
        }
        return out;
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** One line of Explanations.csv: comma-separated, a field with a comma or quote quoted with "" for a quote. */
    static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { b.append('"'); i++; }
                else if (c == '"') quoted = false;
                else b.append(c);
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        out.add(b.toString());
        return out;
    }

    private static String text(FileSystem fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
