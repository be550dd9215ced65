package io.sparkcnn.jobs.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.NetworkSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an exported model's user must know beyond the graph, as ONNX metadata_props: how the jobs
 * normalise the input (data.mean and data.std as the checkpoint's config records them: pixels
 * scaled to [0, 1], gray inputs made from RGB with BT.601 weights), the class names from the
 * manifest at the recorded data.path when it is readable, and where the weights came from.
 * What cannot be found is left out and reported through warn.
 */
public final class ExportMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportMetadata() {}

    public static Map<String, String> of(CheckpointStore.Loaded loaded, Configuration hadoop, Consumer<String> warn) {
        Checkpoint c = loaded.checkpoint();
        NetworkSpec spec = c.network();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("checkpoint", loaded.dir().toString());
        if (c.counters().containsKey("step")) m.put("checkpoint_step", Long.toString(c.counter("step", 0)));
        m.put("checkpoint_code_version", c.codeVersion());
        Config cfg = recordedConfig(c, warn);
        List<Double> mean = doubles(cfg, "data.mean"), std = doubles(cfg, "data.std");
        boolean gray = spec.input().channels() == 1;
        if (!mean.isEmpty() && !std.isEmpty()) {
            m.put("input_normalisation", "input[c] = (pixel[c] / 255 - input_mean[c]) / input_std[c], channels "
                    + (gray ? "gray = 0.299 R + 0.587 G + 0.114 B" : "R, G, B") + ", layout " + layout(spec.input().rank()));
            m.put("input_mean", json(perChannel(mean, spec.input().channels())));
            m.put("input_std", json(perChannel(std, spec.input().channels())));
        } else {
            warn.accept("the checkpoint's config records no data.mean/data.std: the model's metadata states no input normalisation");
        }
        String dataPath = cfg == null || !cfg.hasPath("data.path") ? "" : cfg.getString("data.path");
        Manifest manifest = dataPath.isEmpty() ? null : manifest(dataPath, hadoop, warn);
        if (manifest != null) {
            if (manifest.task() != null) m.put("task", manifest.task().name().toLowerCase(java.util.Locale.ROOT));
            List<String> names = classNames(manifest, spec);
            if (names != null) m.put("class_names", json(names));
            else warn.accept("the manifest at " + dataPath + " does not name every class: no class_names in the metadata");
        }
        return m;
    }

    /** The input's axes after the batch axis N: a signal, an image or a clip. */
    private static String layout(int rank) {
        return rank == 2 ? "NCL" : rank == 4 ? "NCTHW" : "NCHW";
    }

    private static Config recordedConfig(Checkpoint c, Consumer<String> warn) {
        try {
            return ConfigFactory.parseString(c.trainerConfig());
        } catch (ConfigException e) {
            warn.accept("the checkpoint's recorded config does not parse (" + e.getMessage() + ")");
            return null;
        }
    }

    private static List<Double> doubles(Config cfg, String key) {
        try {
            return cfg == null || !cfg.hasPath(key) ? List.of() : cfg.getDoubleList(key);
        } catch (ConfigException e) {
            return List.of();
        }
    }

    /** As the jobs apply them: one value for every channel, or three averaged for a gray input. */
    private static List<Double> perChannel(List<Double> v, int channels) {
        if (v.size() == channels) return v;
        if (v.size() == 3 && channels == 1) return List.of((v.get(0) + v.get(1) + v.get(2)) / 3);
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < channels; i++) r.add(v.get(0));
        return r;
    }

    private static Manifest manifest(String dataPath, Configuration hadoop, Consumer<String> warn) {
        Path p = new Path(dataPath, Manifest.FILE_NAME);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            try (InputStream in = fs.open(p)) {
                return Manifest.read(in);
            }
        } catch (IOException | RuntimeException e) {
            warn.accept("no task or class names in the metadata: cannot read " + p + " (" + e.getMessage() + ")");
            return null;
        }
    }

    /** Names for class indices 0..C-1 of the first head (C its channels), when the manifest has them all; none for detection. */
    private static List<String> classNames(Manifest manifest, NetworkSpec spec) {
        if (manifest.task() == Task.DETECTION || manifest.classes() == null || spec.heads().isEmpty()) return null;
        int classes = spec.shapes().get(spec.heads().get(0).node()).channels();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            String n = manifest.classes().get(i);
            if (n == null) return null;
            names.add(n);
        }
        return names;
    }

    private static String json(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
