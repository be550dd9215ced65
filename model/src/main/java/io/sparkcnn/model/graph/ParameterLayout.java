package io.sparkcnn.model.graph;

import io.sparkcnn.model.layers.Init;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each named layer's parameters (PARAMS) and batch-norm statistics (BUFFERS) lie in
 * the arenas: the map from layer names to slices that fine-tuning needs (copy by name,
 * freeze by name). Planned from a spec without allocating; offsets do not depend on the batch.
 */
public final class ParameterLayout {

    /** One region: offset and length in its arena; fanIn is the initialiser's (0 for constants), part of its shape. */
    public record Region(int offset, int length, int fanIn) {
        /** "32x25" for a weight matrix of 32 rows of fan-in 25, "32" for a vector. */
        public String shape() {
            return fanIn > 0 && length % fanIn == 0 ? (length / fanIn) + "x" + fanIn : Integer.toString(length);
        }
    }

    /** A layer that owns parameters or buffers, in plan order. */
    public record Layer(String name, String type, List<Region> params, List<Region> buffers) {
        public Layer {
            params = List.copyOf(params);
            buffers = List.copyOf(buffers);
        }

        /** Type and region shapes, e.g. "conv2d params [8x9, 8]"; two layers with equal shapes hold interchangeable values. */
        public String shape() {
            StringBuilder b = new StringBuilder(type).append(" params ").append(shapes(params));
            if (!buffers.isEmpty()) b.append(" buffers ").append(shapes(buffers));
            return b.toString();
        }

        public int paramCount() { return params.stream().mapToInt(Region::length).sum(); }

        private static String shapes(List<Region> rs) {
            return rs.stream().map(Region::shape).toList().toString();
        }
    }

    private final Map<String, Layer> layers;

    private ParameterLayout(Map<String, Layer> layers) { this.layers = Collections.unmodifiableMap(layers); }

    /** The layout of a spec (every shape is checked first). */
    public static ParameterLayout of(NetworkSpec spec) {
        return from(spec, Network.planLayout(spec));
    }

    static ParameterLayout from(NetworkSpec spec, ArenaLayout layout) {
        Map<String, List<Region>> params = new LinkedHashMap<>(), buffers = new LinkedHashMap<>();
        for (ArenaLayout.ParamRegion r : layout.paramRegions) {
            Init init = r.init();
            params.computeIfAbsent(r.layer(), k -> new ArrayList<>())
                    .add(new Region(r.offset(), r.length(), init.kind() == Init.Kind.CONSTANT ? 0 : init.fanIn()));
        }
        for (ArenaLayout.BufferRegion r : layout.bufferRegions) {
            buffers.computeIfAbsent(r.layer(), k -> new ArrayList<>()).add(new Region(r.offset(), r.length(), 0));
        }
        Map<String, Layer> out = new LinkedHashMap<>();
        for (Node n : spec.nodes()) {
            List<Region> p = params.getOrDefault(n.name(), List.of()), b = buffers.getOrDefault(n.name(), List.of());
            if (!p.isEmpty() || !b.isEmpty()) out.put(n.name(), new Layer(n.name(), n.spec().type(), p, b));
        }
        return new ParameterLayout(out);
    }

    /** Layers with parameters or buffers, in plan order. */
    public List<Layer> layers() { return List.copyOf(layers.values()); }

    /** The layer of that name, or null when it has none (or does not exist). */
    public Layer layer(String name) { return layers.get(name); }
}
