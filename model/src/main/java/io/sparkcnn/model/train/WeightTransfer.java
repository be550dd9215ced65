package io.sparkcnn.model.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.ParameterLayout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transfer learning's start: copies a checkpoint's parameters and batch-norm running statistics
 * into a network by layer name, where the layer's type and every region's shape match (a new
 * head for another class count keeps its fresh initialisation). Optimizer state is not copied:
 * a fine-tune starts its optimizer afresh.
 */
public final class WeightTransfer {
    private WeightTransfer() {}

    /** A layer not copied because its shape differs: both shapes. */
    public record Skipped(String layer, String checkpointShape, String networkShape) {}

    /**
     * What happened to each layer: copied (name and shape), skipped (shape differs), fresh (no layer
     * of that name in the checkpoint, or excluded: keeps its initialisation), unused (in the checkpoint only).
     */
    public record Report(String source, List<String> copied, List<Skipped> skipped, List<String> fresh,
                         List<String> unused, long copiedParams, long copiedBuffers) {
        /** One line for the console. */
        public String summary() {
            StringBuilder b = new StringBuilder("initialised from ").append(source).append(": copied ")
                    .append(copied.size()).append(" layers (").append(String.format("%,d", copiedParams))
                    .append(" parameters, ").append(String.format("%,d", copiedBuffers)).append(" buffer values)");
            if (!skipped.isEmpty()) {
                b.append("; skipped ").append(skipped.stream().map(s -> s.layer() + " (checkpoint " + s.checkpointShape()
                        + ", network " + s.networkShape() + ")").toList());
            }
            if (!fresh.isEmpty()) b.append("; newly initialised ").append(fresh);
            if (!unused.isEmpty()) b.append("; not in this network ").append(unused);
            return b.toString();
        }

        /** The report as a JSON object (what the run directory records). */
        public String toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", source);
            m.put("copied", copied);
            List<Map<String, String>> sk = new ArrayList<>();
            for (Skipped s : skipped) {
                Map<String, String> e = new LinkedHashMap<>();
                e.put("layer", s.layer());
                e.put("checkpointShape", s.checkpointShape());
                e.put("networkShape", s.networkShape());
                sk.add(e);
            }
            m.put("skipped", sk);
            m.put("newlyInitialised", fresh);
            m.put("notInNetwork", unused);
            m.put("copiedParameters", copiedParams);
            m.put("copiedBufferValues", copiedBuffers);
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Copies from the checkpoint into params and buffers laid out for {@code target}; returns what was done. */
    public static Report copy(Checkpoint from, String source, NetworkSpec target, float[] params, float[] buffers) {
        return copy(from, source, target, params, buffers, List.of());
    }

    /** The same, leaving the layers that {@code exclude} names (names or prefixes) at their initialisation: a new head. */
    public static Report copy(Checkpoint from, String source, NetworkSpec target, float[] params, float[] buffers,
                              List<String> exclude) {
        return copy(from.network(), from.params(), from.buffers(), source, target, params, buffers, exclude);
    }

    public static Report copy(NetworkSpec fromSpec, float[] fromParams, float[] fromBuffers, String source,
                              NetworkSpec target, float[] params, float[] buffers) {
        return copy(fromSpec, fromParams, fromBuffers, source, target, params, buffers, List.of());
    }

    public static Report copy(NetworkSpec fromSpec, float[] fromParams, float[] fromBuffers, String source,
                              NetworkSpec target, float[] params, float[] buffers, List<String> exclude) {
        ParameterLayout src = ParameterLayout.of(fromSpec), dst = ParameterLayout.of(target);
        List<String> copied = new ArrayList<>(), fresh = new ArrayList<>(), unused = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        long nParams = 0, nBuffers = 0;
        for (ParameterLayout.Layer d : dst.layers()) {
            ParameterLayout.Layer s = src.layer(d.name());
            if (s == null || exclude.stream().anyMatch(e -> LayerTraining.matches(e, d.name()))) {
                fresh.add(d.name());
            } else if (!s.shape().equals(d.shape())) {
                skipped.add(new Skipped(d.name(), s.shape(), d.shape()));
            } else {
                nParams += copyRegions(s.params(), fromParams, d.params(), params);
                nBuffers += copyRegions(s.buffers(), fromBuffers, d.buffers(), buffers);
                copied.add(d.name());
            }
        }
        for (ParameterLayout.Layer s : src.layers()) if (dst.layer(s.name()) == null) unused.add(s.name());
        return new Report(source, copied, skipped, fresh, unused, nParams, nBuffers);
    }

    private static long copyRegions(List<ParameterLayout.Region> from, float[] src, List<ParameterLayout.Region> to, float[] dst) {
        long n = 0;
        for (int i = 0; i < to.size(); i++) {
            System.arraycopy(src, from.get(i).offset(), dst, to.get(i).offset(), to.get(i).length());
            n += to.get(i).length();
        }
        return n;
    }
}
