package io.sparkcnn.model.train;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.graph.ParameterLayout;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which layers train, and how fast (fine-tuning): layers named by {@code freeze} get no update
 * and no optimizer state change; {@code lrMultipliers} scales the learning rate of the layers
 * whose name starts with a key (the longest matching key wins; a frozen layer stays frozen);
 * with {@code freezeBatchNorm} a frozen batch norm normalises with its running statistics and
 * does not update them. An entry names a layer exactly or is a prefix of layer names.
 */
public record LayerTraining(List<String> freeze, Map<String, Double> lrMultipliers, boolean freezeBatchNorm)
        implements Serializable {

    /** Every layer trains at the base rate. */
    public static final LayerTraining ALL = new LayerTraining(List.of(), Map.of(), true);

    public LayerTraining {
        freeze = List.copyOf(freeze);
        lrMultipliers = Map.copyOf(new LinkedHashMap<>(lrMultipliers));
        for (Map.Entry<String, Double> e : lrMultipliers.entrySet()) {
            if (e.getKey().isEmpty()) throw new IllegalArgumentException("lrMultipliers: an empty layer prefix");
            if (!(e.getValue() > 0) || e.getValue().isInfinite()) {
                throw new IllegalArgumentException("lrMultipliers: '" + e.getKey() + "' has multiplier " + e.getValue()
                        + "; it must be positive and finite (freeze a layer to stop it)");
            }
        }
        for (String f : freeze) if (f.isEmpty()) throw new IllegalArgumentException("freeze: an empty layer name");
    }

    public boolean isDefault() { return freeze.isEmpty() && lrMultipliers.isEmpty(); }

    static boolean matches(String pattern, String layer) { return layer.startsWith(pattern); }

    /**
     * The regions of this network that train, at which rate. Fails, naming the entry, when a freeze
     * entry matches no layer or a multiplier key matches no layer with parameters.
     */
    public TrainableParams resolve(NetworkSpec spec) {
        ParameterLayout layout = ParameterLayout.of(spec);
        for (String f : freeze) {
            if (spec.nodes().stream().noneMatch(n -> matches(f, n.name()))) {
                throw new IllegalArgumentException("freeze: '" + f + "' matches no layer of network '" + spec.name()
                        + "'; its layers are " + names(spec));
            }
        }
        for (String k : lrMultipliers.keySet()) {
            if (layout.layers().stream().noneMatch(l -> matches(k, l.name()) && l.paramCount() > 0)) {
                throw new IllegalArgumentException("lrMultipliers: '" + k + "' matches no layer with parameters of network '"
                        + spec.name() + "'; those are " + layout.layers().stream().filter(l -> l.paramCount() > 0)
                        .map(ParameterLayout.Layer::name).toList());
            }
        }
        Set<String> frozen = new LinkedHashSet<>();
        Set<String> evalBn = new LinkedHashSet<>();
        for (Node n : spec.nodes()) {
            if (freeze.stream().anyMatch(f -> matches(f, n.name()))) {
                frozen.add(n.name());
                if (freezeBatchNorm && n.spec().type().equals("batchnorm")) evalBn.add(n.name());
            }
        }
        Map<String, Float> rates = new LinkedHashMap<>();
        for (ParameterLayout.Layer l : layout.layers()) {
            if (l.paramCount() == 0 || frozen.contains(l.name())) continue;
            String best = null;
            for (String k : lrMultipliers.keySet()) {
                if (matches(k, l.name()) && (best == null || k.length() > best.length())) best = k;
            }
            rates.put(l.name(), best == null ? 1f : lrMultipliers.get(best).floatValue());
        }
        return new TrainableParams(spec, layout, frozen, evalBn, rates);
    }

    private static List<String> names(NetworkSpec spec) {
        List<String> out = new ArrayList<>();
        for (Node n : spec.nodes()) out.add(n.name());
        return out;
    }

    /** Applies this to a trainer's network (and its optimizer); see {@link Trainer#setTrainable}. */
    public void applyTo(Trainer trainer) {
        if (!isDefault()) trainer.setTrainable(resolve(trainer.network().spec()));
    }
}
