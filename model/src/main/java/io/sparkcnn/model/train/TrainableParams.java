package io.sparkcnn.model.train;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.graph.ParameterLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link LayerTraining} resolved on one network: the PARAMS segments the optimizer updates with
 * their learning-rate multipliers (adjacent layers of one rate merged into one segment, so the
 * update stays a few array operations), the frozen regions, and the nodes that run in evaluation
 * mode or need no backward pass.
 */
public final class TrainableParams {
    /** A run of parameters [offset, offset+length) updated at lr * multiplier. */
    public record Segment(int offset, int length, float multiplier) {}

    /** A region [offset, offset+length) of an arena. */
    public record Span(int offset, int length) {}

    private final Set<String> frozen, evalBatchNorm;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Span> frozenParams = new ArrayList<>(), frozenBuffers = new ArrayList<>();
    private final boolean[] needsBackward;
    private final Map<String, Float> rates;

    TrainableParams(NetworkSpec spec, ParameterLayout layout, Set<String> frozen, Set<String> evalBatchNorm,
                    Map<String, Float> rates) {
        this.frozen = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(frozen));
        this.evalBatchNorm = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(evalBatchNorm));
        this.rates = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rates));
        for (ParameterLayout.Layer l : layout.layers()) {
            for (ParameterLayout.Region r : l.params()) {
                if (frozen.contains(l.name())) add(frozenParams, r);
                else addSegment(r, rates.get(l.name()));
            }
            if (evalBatchNorm.contains(l.name())) for (ParameterLayout.Region r : l.buffers()) add(frozenBuffers, r);
        }
        // a node needs its backward when it or a node before it has parameters that train
        List<Node> nodes = spec.nodes();
        needsBackward = new boolean[nodes.size()];
        java.util.Map<String, Boolean> needs = new java.util.HashMap<>();
        needs.put(NetworkSpec.INPUT, false);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            ParameterLayout.Layer l = layout.layer(n.name());
            boolean trains = l != null && l.paramCount() > 0 && !frozen.contains(n.name());
            for (String in : n.inputs()) trains |= needs.getOrDefault(in, false);
            needs.put(n.name(), trains);
            needsBackward[i] = trains;
        }
    }

    private void addSegment(ParameterLayout.Region r, float m) {
        if (!segments.isEmpty()) {
            Segment last = segments.get(segments.size() - 1);
            if (last.offset() + last.length() == r.offset() && last.multiplier() == m) {
                segments.set(segments.size() - 1, new Segment(last.offset(), last.length() + r.length(), m));
                return;
            }
        }
        segments.add(new Segment(r.offset(), r.length(), m));
    }

    private static void add(List<Span> spans, ParameterLayout.Region r) {
        if (!spans.isEmpty()) {
            Span last = spans.get(spans.size() - 1);
            if (last.offset() + last.length() == r.offset()) {
                spans.set(spans.size() - 1, new Span(last.offset(), last.length() + r.length()));
                return;
            }
        }
        spans.add(new Span(r.offset(), r.length()));
    }

    /** The parameter runs the optimizer updates, in offset order. */
    public List<Segment> segments() { return List.copyOf(segments); }

    /** Frozen parameter regions (merged). */
    public List<Span> frozenParams() { return List.copyOf(frozenParams); }

    /** Buffers of batch norms frozen in evaluation mode: never updated. */
    public List<Span> frozenBuffers() { return List.copyOf(frozenBuffers); }

    /** Node names matched by the freeze list. */
    public Set<String> frozenLayers() { return frozen; }

    /** Frozen batch norms that run in evaluation mode. */
    public Set<String> evalBatchNorms() { return evalBatchNorm; }

    /** The learning-rate multiplier of each training layer with parameters. */
    public Map<String, Float> multipliers() { return rates; }

    /** Per node in spec order: whether its backward must run (false: nothing before or in it trains). */
    public boolean needsBackward(int node) { return needsBackward[node]; }

    /**
     * Puts back the frozen values of {@code before} into {@code after} (a state averaged over
     * workers: the mean of W equal floats need not be that float). Optimizer state: slot k of
     * parameter i at k * paramCount + i.
     */
    public void keepFrozen(float[] beforeParams, float[] afterParams, float[] beforeBuffers, float[] afterBuffers,
                           float[] beforeOpt, float[] afterOpt, int paramCount) {
        for (Span s : frozenParams) {
            System.arraycopy(beforeParams, s.offset(), afterParams, s.offset(), s.length());
            for (int k = 0; paramCount > 0 && beforeOpt != null && afterOpt != null && beforeOpt != afterOpt
                    && k < Math.min(beforeOpt.length, afterOpt.length) / paramCount; k++) {
                System.arraycopy(beforeOpt, k * paramCount + s.offset(), afterOpt, k * paramCount + s.offset(), s.length());
            }
        }
        for (Span s : frozenBuffers) System.arraycopy(beforeBuffers, s.offset(), afterBuffers, s.offset(), s.length());
    }

    /** One line per group for logs: "frozen: conv1, bn1; lr x0.1: conv2; lr x1: fc". */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("frozen: ").append(frozen.isEmpty() ? "none" : String.join(", ", frozen));
        if (!evalBatchNorm.isEmpty()) b.append(" (batch norm in evaluation mode: ").append(String.join(", ", evalBatchNorm)).append(')');
        java.util.Map<Float, List<String>> byRate = new java.util.TreeMap<>();
        rates.forEach((layer, m) -> byRate.computeIfAbsent(m, k -> new ArrayList<>()).add(layer));
        byRate.forEach((m, layers) -> b.append("; lr x").append(m).append(": ").append(String.join(", ", layers)));
        return b.toString();
    }
}
