package io.sparkcnn.model.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.sparkcnn.model.graph.Head;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import io.sparkcnn.model.zoo.ZooOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Networks as HOCON (the project's config format for networks and jobs). A network is
 * either a list of layers or a zoo model:
 * <pre>
 * network {
 *   name = lenet5
 *   input = [1, 28, 28]                  # (C,H,W) of one example
 *   layers = [
 *     { type = conv2d, name = conv1, filters = 6, kernel = 5, padding = 2 }
 *     { type = relu }                     # name defaults to type + position: relu2
 *     { type = add, inputs = [a, b] }     # inputs default to the previous layer
 *   ]
 *   loss { type = softmax_cross_entropy }   # one loss on the last layer, or several heads:
 *   # losses = [ { type = softmax_cross_entropy, output = cls, weight = 1.0 }
 *   #            { type = smooth_l1, output = box, weight = 0.5 } ]
 * }
 * network { zoo = resnet50, classes = 1000, input = [3, 224, 224] }
 * network { zoo = unet, classes = 19, input = [3, 64, 128], width = 8, depth = 3 }
 * </pre>
 * The {@code network} object may also be the root of the file. Layer keys are those of the
 * spec's {@code toConfig()}; see {@link LayerRegistry}. Every problem fails with a message
 * naming the file, the layer and the key, before any memory is allocated.
 */
public final class NetworkConfig {
    private static final Set<String> LAYER_RESERVED = Set.of("type", "name", "inputs");
    private static final Set<String> LOSS_RESERVED = Set.of("type");
    private static final Set<String> HEAD_RESERVED = Set.of("type", "output", "weight");

    private NetworkConfig() {}

    public static NetworkSpec read(Path file) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) throw new NetworkConfigException(source + ": no such network config file");
        Config config;
        try {
            config = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw parseError(source, e);
        }
        return read(config, source, LayerRegistry.defaults());
    }

    /** Reads HOCON or JSON text; errors name it "&lt;string&gt;". */
    public static NetworkSpec read(String text) {
        return read(text, "<string>");
    }

    public static NetworkSpec read(String text, String source) {
        Config config;
        try {
            config = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(source)).resolve();
        } catch (ConfigException e) {
            throw parseError(source, e);
        }
        return read(config, source, LayerRegistry.defaults());
    }

    /** A parsed config (e.g. a job's), holding a {@code network} object or being one. */
    public static NetworkSpec read(Config config) {
        return read(config, config.origin().description(), LayerRegistry.defaults());
    }

    public static NetworkSpec read(Config config, String source, LayerRegistry registry) {
        ConfigObject root;
        try {
            root = config.resolve().root();
        } catch (ConfigException e) {
            throw parseError(source, e);
        }
        ConfigValue nested = root.get("network");
        ConfigObject net;
        if (nested != null) {
            if (nested.valueType() != ConfigValueType.OBJECT) {
                throw new NetworkConfigException(source + ": 'network' must be an object, got " + nested.valueType());
            }
            net = (ConfigObject) nested;
        } else {
            net = root;
        }
        return new Reader(source, registry).network(net);
    }

    /** Typesafe's messages start with their origin ("file: line: ..."); the source is added where they do not. */
    private static NetworkConfigException parseError(String source, ConfigException e) {
        String m = e.getMessage();
        return new NetworkConfigException(m.startsWith(source) ? m : source + ": " + m, e);
    }

    /** HOCON text that {@link #read(String)} turns back into an equal spec. */
    public static String write(NetworkSpec spec) {
        return new Writer(new ConfigText(false)).network(spec);
    }

    /** The same as JSON (HOCON reads it too): the canonical form stored in checkpoints. */
    public static String writeJson(NetworkSpec spec) {
        return new Writer(new ConfigText(true)).network(spec);
    }

    /** Reads one network object; lenient about nothing. */
    private static final class Reader {
        private final String source;
        private final LayerRegistry registry;

        Reader(String source, LayerRegistry registry) {
            this.source = source;
            this.registry = registry;
        }

        NetworkSpec network(ConfigObject net) {
            LayerConfig c = new LayerConfig(net, source, "network", Set.of());
            String name = c.optString("name", null);
            Shape input = shape(c, "input");
            NetworkSpec spec;
            if (c.has("zoo")) {
                if (c.has("layers")) throw c.error("layers", "a network is either a zoo model or a list of layers, not both");
                String zoo = c.requireString("zoo");
                int classes = c.requireInt("classes");
                ZooOptions options;
                try {
                    options = new ZooOptions(c.optInt("width", 0), c.optInt("depth", 0), c.optInts("rates", null));
                } catch (IllegalArgumentException e) {
                    throw new NetworkConfigException(c.where() + ": " + e.getMessage(), e);
                }
                try {
                    spec = ModelZoo.build(zoo, classes, input, options);
                } catch (IllegalArgumentException e) {
                    throw c.error("zoo", e.getMessage());
                }
            } else {
                spec = null;
            }
            if (c.has("loss") && c.has("losses")) throw c.error("losses", "give either 'loss' (one, on the last layer) or 'losses' (heads), not both");
            LossSpec loss = c.has("loss") ? loss(c, c.value("loss")) : null;
            List<Node> nodes = spec != null ? spec.nodes() : layers(c);
            List<Head> heads;
            if (c.has("losses")) heads = heads(c, nodes);
            else if (loss != null) heads = List.of(new Head(nodes.get(nodes.size() - 1).name(), loss));
            else heads = spec != null ? spec.heads() : List.of();
            c.requireAllKeysRead();
            String finalName = name != null ? name : (spec != null ? spec.name() : "network");
            try {
                return new NetworkSpec(finalName, input, nodes, heads);
            } catch (ShapeException e) {
                throw new NetworkConfigException(source + ": network '" + finalName + "': " + e.getMessage(), e);
            }
        }

        private Shape shape(LayerConfig c, String key) {
            int[] dims = c.requireInts(key);
            try {
                return Shape.of(dims);
            } catch (IllegalArgumentException e) {
                throw c.error(key, e.getMessage());
            }
        }

        private List<Node> layers(LayerConfig c) {
            ConfigValue v = c.value("layers");
            if (v == null) throw new NetworkConfigException(c.where() + ": missing required key 'layers' (or 'zoo')");
            if (v.valueType() != ConfigValueType.LIST) throw c.error("layers", "expected a list of layer objects, got " + v.valueType());
            ConfigList list = (ConfigList) v;
            // the loss goes on the last layer: an empty list has none (the fuzzer's IndexOutOfBounds)
            if (list.isEmpty()) throw c.error("layers", "the list is empty: a network needs at least one layer");
            List<Node> nodes = new ArrayList<>();
            String previous = NetworkSpec.INPUT;
            for (int i = 0; i < list.size(); i++) {
                Node n = layer(list.get(i), i + 1, previous);
                nodes.add(n);
                previous = n.name();
            }
            return nodes;
        }

        private Node layer(ConfigValue v, int position, String previous) {
            if (v.valueType() != ConfigValueType.OBJECT) {
                throw new NetworkConfigException(source + ": layer " + position + ": expected an object, got " + v.valueType());
            }
            ConfigObject o = (ConfigObject) v;
            LayerConfig head = new LayerConfig(o, source, "layer " + position, Set.of());
            String type = head.requireString("type");
            String name = head.optString("name", null);
            String label = "layer " + position + (name != null ? " '" + name + "'" : "") + " (" + type + ")";
            LayerConfig c = new LayerConfig(o, source, label, LAYER_RESERVED);
            LayerRegistry.LayerParser parser = registry.layer(type);
            if (parser == null) {
                throw c.error("type", "unknown layer type '" + type + "'; known types are " + registry.layerTypes());
            }
            List<String> inputs = c.optStrings("inputs");
            var spec = parse(c, () -> parser.parse(c));
            c.requireAllKeysRead();
            return new Node(name != null ? name : type + position, spec, inputs != null ? inputs : List.of(previous));
        }

        private LossSpec loss(LayerConfig net, ConfigValue v) {
            ConfigObject o;
            if (v.valueType() == ConfigValueType.STRING) {
                o = ConfigFactory.empty().root().withValue("type", v);
            } else if (v.valueType() == ConfigValueType.OBJECT) {
                o = (ConfigObject) v;
            } else {
                throw net.error("loss", "expected a loss type or an object with a type, got " + v.valueType());
            }
            LayerConfig head = new LayerConfig(o, source, "loss", Set.of());
            String type = head.requireString("type");
            LayerConfig c = new LayerConfig(o, source, "loss (" + type + ")", LOSS_RESERVED);
            LayerRegistry.LossParser parser = registry.loss(type);
            if (parser == null) throw c.error("type", "unknown loss type '" + type + "'; known types are " + registry.lossTypes());
            LossSpec loss = parse(c, () -> parser.parse(c));
            c.requireAllKeysRead();
            return loss;
        }

        /** losses = [ { type = ..., output = node, weight = w, ...loss keys } ]; output defaults to the last layer, weight to 1. */
        private List<Head> heads(LayerConfig net, List<Node> nodes) {
            ConfigValue v = net.value("losses");
            if (v.valueType() != ConfigValueType.LIST) throw net.error("losses", "expected a list of loss objects, got " + v.valueType());
            ConfigList list = (ConfigList) v;
            if (list.isEmpty()) throw net.error("losses", "the list is empty; leave 'losses' out for a network without a loss");
            List<Head> heads = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                ConfigValue item = list.get(i);
                if (item.valueType() != ConfigValueType.OBJECT) {
                    throw new NetworkConfigException(source + ": losses[" + i + "]: expected an object, got " + item.valueType());
                }
                ConfigObject o = (ConfigObject) item;
                LayerConfig head = new LayerConfig(o, source, "losses[" + i + "]", Set.of());
                String type = head.requireString("type");
                String output = head.optString("output", nodes.get(nodes.size() - 1).name());
                float weight = head.optFloat("weight", 1f);
                LayerConfig c = new LayerConfig(o, source, "losses[" + i + "] (" + type + " on '" + output + "')", HEAD_RESERVED);
                LayerRegistry.LossParser parser = registry.loss(type);
                if (parser == null) throw c.error("type", "unknown loss type '" + type + "'; known types are " + registry.lossTypes());
                LossSpec loss = parse(c, () -> parser.parse(c));
                c.requireAllKeysRead();
                heads.add(parse(head, () -> new Head(output, loss, weight)));
            }
            return heads;
        }

        /** Specs check their own values; their messages get the file and layer in front. */
        private static <T> T parse(LayerConfig c, java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (NetworkConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new NetworkConfigException(c.where() + ": " + e.getMessage(), e);
            }
        }
    }

    /** One layer per line; inputs written only where they are not the previous layer. */
    private static final class Writer {
        private final ConfigText t;

        Writer(ConfigText t) {
            this.t = t;
        }

        String network(NetworkSpec spec) {
            boolean json = t.json();
            String comma = json ? "," : "";
            StringBuilder b = new StringBuilder();
            b.append(json ? "{\n  " + t.assign("network") + "{\n" : "network {\n");
            b.append("    ").append(t.assign("name")).append(t.value(spec.name())).append(comma).append('\n');
            b.append("    ").append(t.assign("input")).append(t.value(box(spec.input().dims()))).append(comma).append('\n');
            b.append("    ").append(t.assign("layers")).append("[\n");
            String previous = NetworkSpec.INPUT;
            List<Node> nodes = spec.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", n.spec().type());
                m.put("name", n.name());
                if (!n.inputs().equals(List.of(previous))) m.put("inputs", n.inputs());
                for (Map.Entry<String, Object> e : n.spec().toConfig().entrySet()) {
                    if (LAYER_RESERVED.contains(e.getKey())) {
                        throw new IllegalArgumentException("layer '" + n.name() + "' (" + n.spec().type()
                                + "): toConfig() uses the reserved key '" + e.getKey() + "'");
                    }
                    m.put(e.getKey(), e.getValue());
                }
                b.append("        ").append(t.value(m)).append(json && i + 1 < nodes.size() ? "," : "").append('\n');
                previous = n.name();
            }
            b.append("    ]");
            if (spec.hasSingleLossOnOutput()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", spec.loss().type());
                m.putAll(spec.loss().toConfig());
                b.append(comma).append("\n    ").append(t.assign("loss")).append(t.value(m));
            } else if (!spec.heads().isEmpty()) {
                List<Object> list = new ArrayList<>();
                for (Head h : spec.heads()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", h.loss().type());
                    m.put("output", h.node());
                    m.put("weight", (double) h.weight());
                    m.putAll(h.loss().toConfig());
                    list.add(m);
                }
                b.append(comma).append("\n    ").append(t.assign("losses")).append(t.value(list));
            }
            b.append(json ? "\n  }\n}\n" : "\n}\n");
            return b.toString();
        }

        private static List<Integer> box(int[] a) {
            List<Integer> r = new ArrayList<>();
            for (int v : a) r.add(v);
            return r;
        }
    }
}
