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
 * input; the last node is the output, the loss applies to it. Immutable and cheap:
 * {@link #shapes()} checks every shape without allocating any arena.
 */
public final class NetworkSpec {
    public static final String INPUT = "input";

    private final String name;
    private final Shape input;
    private final List<Node> nodes;
    private final LossSpec loss;

    public NetworkSpec(String name, Shape input, List<Node> nodes, LossSpec loss) {
        this.name = name;
        this.input = input;
        this.nodes = List.copyOf(nodes);
        this.loss = loss;
        if (this.nodes.isEmpty()) throw new ShapeException("network '" + name + "' has no layers");
        shapes(); // fail fast: a spec that exists is a spec whose shapes fit
    }

    public String name() { return name; }

    public Shape input() { return input; }

    public List<Node> nodes() { return nodes; }

    public LossSpec loss() { return loss; }

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
        if (loss != null) {
            try {
                loss.targetSize(shapes.get(outputNode().name()));
            } catch (IllegalArgumentException e) {
                throw new ShapeException("loss " + loss.type() + " on output of '" + outputNode().name() + "' "
                        + shapes.get(outputNode().name()) + ": " + e.getMessage());
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

    public NetworkSpec withLoss(LossSpec newLoss) { return new NetworkSpec(name, input, nodes, newLoss); }

    public static Builder builder(String name, Shape input) { return new Builder(name, input); }

    /** Chains layers; each reads the previous one unless inputs are named. */
    public static final class Builder {
        private final String name;
        private final Shape input;
        private final List<Node> nodes = new ArrayList<>();
        private LossSpec loss;
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

        public Builder loss(LossSpec l) {
            this.loss = l;
            return this;
        }

        public NetworkSpec build() { return new NetworkSpec(name, input, nodes, loss); }
    }
}
