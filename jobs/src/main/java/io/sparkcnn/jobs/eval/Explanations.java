package io.sparkcnn.jobs.eval;

import io.sparkcnn.jobs.data.ImageTransform;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.explain.ClassActivationMaps;
import io.sparkcnn.model.explain.HeatmapOverlay;
import io.sparkcnn.model.graph.Network;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One executor's explanations: images through the class activation maps in the network's batch,
 * and per image a PNG of the heatmap blended over the input as the network saw it (normalisation
 * undone, enlarged {@code scale} times), written complete-or-absent, and an index entry.
 */
public final class Explanations {
    /** What to explain and how to draw it; travels to the executors. explainClass < 0: the predicted class. */
    public record Settings(ClassActivationMaps.Method method, String layer, int explainClass, double alpha, int scale,
                           ImageTransform transform) implements Serializable {}

    /** One written image: its PNG (relative to the output), source key, label (-1 unknown), predicted and explained class. */
    public record Entry(String file, String key, int label, int predicted, double predictedScore, int explained,
                        double explainedScore, String layer) implements Serializable {}

    private final ClassActivationMaps maps;
    private final Settings settings;
    private final FileSystem fs;
    private final Path root;
    private final int inputSize;
    private final int[] requested;
    private final List<Entry> entries = new ArrayList<>();

    Explanations(Network net, Settings settings, FileSystem fs, Path root) {
        this.maps = ClassActivationMaps.of(net, settings.method(), settings.layer());
        this.settings = settings;
        this.fs = fs;
        this.root = root;
        this.inputSize = net.inputSize();
        this.requested = new int[net.batch()];
        java.util.Arrays.fill(requested, settings.explainClass());
    }

    /** Explains count images of inputs (network layout, from 0), named by keys, with labels (-1: none). */
    void write(float[] inputs, int count, String[] keys, int[] labels) {
        for (int start = 0; start < count; start += maps.batch()) {
            int n = Math.min(maps.batch(), count - start);
            maps.run(inputs, start * inputSize, n, requested);
            for (int i = 0; i < n; i++) write(inputs, start + i, i, keys[start + i], labels[start + i]);
        }
    }

    private void write(float[] inputs, int image, int i, String key, int label) {
        RgbImage seen = HeatmapOverlay.enlarged(settings.transform().denormalised(inputs, image * inputSize), settings.scale());
        float[] heat = maps.heatmap(i, seen.height(), seen.width());
        String name = fileName(key);
        try {
            CompleteFiles.write(fs, new Path(root, name), HeatmapOverlay.overlayPng(seen, heat, settings.alpha()));
        } catch (IOException e) {
            throw new UncheckedIOException("writing the explanation of " + key + " under " + root, e);
        }
        int predicted = maps.predictedClass(i), explained = maps.explainedClass(i);
        entries.add(new Entry(name, key, label, predicted, maps.probability(i, predicted), explained,
                maps.probability(i, explained), maps.layer()));
    }

    List<Entry> entries() { return entries; }

    /**
     * A row key or file path as a flat PNG name: a trailing image extension dropped, every character but
     * [A-Za-z0-9._-] made '_'. A record index stays: the rows of one idx file are {@code file.gz#n}.
     */
    public static String fileName(String key) {
        return IMAGE_EXTENSION.matcher(key).replaceFirst("").replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
    }

    private static final java.util.regex.Pattern IMAGE_EXTENSION =
            java.util.regex.Pattern.compile("\\.(png|jpe?g|bmp|gif|webp)$", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** Fails, naming both keys, when two images were given one file name (the second overwrote the first). */
    public static void requireDistinctNames(List<Entry> entries) {
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (Entry e : entries) {
            String other = seen.putIfAbsent(e.file(), e.key());
            if (other != null) {
                throw new IllegalStateException("rows '" + other + "' and '" + e.key() + "' both map to the file name " + e.file()
                        + "; one explanation overwrote the other");
            }
        }
    }

    /** The index as CSV: a header, then one line per image in the given order. */
    public static String csv(List<Entry> entries, List<String> classNames) {
        StringBuilder b = new StringBuilder("file,key,label,predicted,predicted_name,predicted_score,explained,explained_name,"
                + "explained_score,layer\n");
        for (Entry e : entries) {
            b.append(quote(e.file())).append(',').append(quote(e.key())).append(',').append(e.label() < 0 ? "" : e.label())
                    .append(',').append(e.predicted()).append(',').append(quote(name(classNames, e.predicted()))).append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.6f", e.predictedScore())).append(',').append(e.explained())
                    .append(',').append(quote(name(classNames, e.explained()))).append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.6f", e.explainedScore())).append(',')
                    .append(quote(e.layer())).append('\n');
        }
        return b.toString();
    }

    private static String name(List<String> names, int c) { return c < names.size() ? names.get(c) : Integer.toString(c); }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
