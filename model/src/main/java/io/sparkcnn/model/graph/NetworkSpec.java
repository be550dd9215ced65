package io.sparkcnn.model.graph;

import io.sparkcnn.model.layers.LayerSpec;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.tensor.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network as a graph: nodes in topological order, each reading earlier nodes or the
 * input; the last node is the output. Losses are {@link Head}s on named nodes (one loss on
 * the last node is the common case, and what the single-loss constructor makes); the
 * network's loss is their weighted sum. Immutable and cheap:
 * {@link #shapes()} checks every shape without allocating any arena.
 */
public final class NetworkSpec {
    public static final String INPUT = "input";
    /** Builder-only stand-in for "the last node", resolved at build (loss() may be called before the layers). */
    private static final String OUTPUT_PLACEHOLDER = "\u0000output";

    private final String name;
    private final Shape input;
    private final List<Node> nodes;
    private final List<Head> heads;

    /** One loss (or none: null) on the last node. */
    public NetworkSpec(String name, Shape input, List<Node> nodes, LossSpec loss) {
        this(name, input, nodes, loss == null || nodes.isEmpty() ? List.of()
                : List.of(new Head(nodes.get(nodes.size() - 1).name(), loss)));
    }

    /** Any number of loss heads, each on a named node, in the order their targets are laid out. */
    public NetworkSpec(String name, Shape input, List<Node> nodes, List<Head> heads) {
        this.name = name;
        this.input = input;
        this.nodes = List.copyOf(nodes);
        this.heads = List.copyOf(heads);
        if (this.nodes.isEmpty()) throw new ShapeException("network '" + name + "' has no layers");
        shapes(); // fail fast: a spec that exists is a spec whose shapes fit
    }

    public String name() { return name; }

    public Shape input() { return input; }

    public List<Node> nodes() { return nodes; }

    /**
     * The loss of a single-head network (null without one). A network with several heads
     * has no single loss: this throws, and callers use {@link #heads()}.
     */
    public LossSpec loss() {
        if (heads.isEmpty()) return null;
        if (heads.size() > 1) {
            throw new IllegalStateException("network '" + name + "' has " + heads.size() + " loss heads " + heads
                    + "; read them with heads()");
        }
        return heads.get(0).loss();
    }

    /** The loss heads, in target order (empty for an inference-only network). */
    public List<Head> heads() { return heads; }

    /** True when the network is one loss with weight 1 on its last node: the form the config's {@code loss} key writes. */
    public boolean hasSingleLossOnOutput() {
        return heads.size() == 1 && heads.get(0).node().equals(outputNode().name()) && heads.get(0).weight() == 1f;
    }

    public Node outputNode() { return nodes.get(nodes.size() - 1); }

    /** Output shape of every node, "input" included, checked in order. */
    public Map<String, Shape> shapes() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(INPUT, input);
        Set<String> names = new HashSet<>();
        for (Node n : nodes) {
            LayerSpec s = n.spec();
            if (n.name() == null || n.name().isBlank()) throw new ShapeException("a layer of type " + s.type() + " has no name");
            if (!names.add(n.name()) || n.name().equals(INPUT)) {
                throw ShapeException.at(n.name(), s.type(), "the name is used twice");
            }
            if (s.arity() == 1 && n.inputs().size() != 1) {
                throw ShapeException.at(n.name(), s.type(), "takes one input, got " + n.inputs());
            }
            if (s.arity() == LayerSpec.VARIADIC && n.inputs().size() < 2) {
                throw ShapeException.at(n.name(), s.type(), "takes two or more inputs, got " + n.inputs());
            }
            List<Shape> in = inputShapes(n, shapes);
            Shape out;
            try {
                out = s.outputShape(in);
            } catch (IllegalArgumentException e) {
                throw ShapeException.at(n.name(), s.type(), e.getMessage() + " (input shapes " + in + ")");
            }
            shapes.put(n.name(), out);
        }
        for (Head h : heads) {
            Shape out = shapes.get(h.node());
            if (out == null || h.node().equals(INPUT)) {
                throw new ShapeException("loss " + h.loss().type() + " applies to '" + h.node()
                        + "', which is not a layer of network '" + name + "'");
            }
            try {
                h.loss().targetSize(out);
            } catch (IllegalArgumentException e) {
                throw new ShapeException("loss " + h.loss().type() + " on output of '" + h.node() + "' "
                        + out + ": " + e.getMessage());
            }
        }
        return Collections.unmodifiableMap(shapes);
    }

    static List<Shape> inputShapes(Node n, Map<String, Shape> known) {
        List<Shape> in = new ArrayList<>();
        for (String i : n.inputs()) {
            Shape sh = known.get(i);
            if (sh == null) {
                throw ShapeException.at(n.name(), n.spec().type(), "reads '" + i + "', which is not an earlier layer or the input");
            }
            in.add(sh);
        }
        return in;
    }

    public long paramCount() {
        Map<String, Shape> shapes = shapes();
        long total = 0;
        for (Node n : nodes) total += n.spec().paramCount(inputShapes(n, shapes));
        return total;
    }

    /** The same graph with one loss on the last node (replacing every head). */
    public NetworkSpec withLoss(LossSpec newLoss) { return new NetworkSpec(name, input, nodes, newLoss); }

    public NetworkSpec withHeads(List<Head> newHeads) { return new NetworkSpec(name, input, nodes, newHeads); }

    public static Builder builder(String name, Shape input) { return new Builder(name, input); }

    /** Chains layers; each reads the previous one unless inputs are named. */
    public static final class Builder {
        private final String name;
        private final Shape input;
        private final List<Node> nodes = new ArrayList<>();
        private final List<Head> heads = new ArrayList<>();
        private String last = INPUT;

        private Builder(String name, Shape input) {
            this.name = name;
            this.input = input;
        }

        /** Adds a layer reading the previous layer, named after its type and position. */
        public Builder add(LayerSpec spec) { return add(spec.type() + (nodes.size() + 1), spec); }

        public Builder add(String nodeName, LayerSpec spec) { return add(nodeName, spec, last); }

        public Builder add(String nodeName, LayerSpec spec, String... inputs) {
            nodes.add(new Node(nodeName, spec, List.of(inputs)));
            last = nodeName;
            return this;
        }

        /** The name of the last node added ("input" before any). */
        public String last() { return last; }

        /** One loss on the last node (the network's output), replacing any heads. */
        public Builder loss(LossSpec l) {
            heads.clear();
            if (l != null) heads.add(new Head(OUTPUT_PLACEHOLDER, l));
            return this;
        }

        /** Adds a loss head on a named node; heads' targets are laid out in the order they are added. */
        public Builder head(String node, LossSpec l, float weight) {
            heads.add(new Head(node, l, weight));
            return this;
        }

        public NetworkSpec build() {
            List<Head> resolved = new ArrayList<>();
            for (Head h : heads) {
                resolved.add(h.node().equals(OUTPUT_PLACEHOLDER) && !nodes.isEmpty()
                        ? new Head(nodes.get(nodes.size() - 1).name(), h.loss(), h.weight()) : h);
            }
            return new NetworkSpec(name, input, nodes, resolved);
        }
    }
}
