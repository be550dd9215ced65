package io.sparkcnn.model.explain;

import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.graph.ParameterLayout;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.GlobalAvgPool;

/**
 * CAM (Zhou et al., 2016) of a network that ends in global average pooling and a dense output
 * (flatten and dropout between them allowed): the map of class c is sum_k W[c, k] A_k over the
 * pooled feature map A, no backward needed. The dense weights are read when this is made: make
 * it after the network's weights are set.
 */
public final class Cam extends ClassActivationMaps {
    private final float[] classWeights;

    /** layer null or empty: the pooled layer; a name must be that layer. */
    public Cam(Network net, String layer) {
        super(net, pooledLayer(net.spec(), layer));
        Node out = net.spec().outputNode();
        ParameterLayout.Region w = net.parameterLayout().layer(out.name()).params().get(0);
        this.classWeights = java.util.Arrays.copyOfRange(net.params(), w.offset(), w.offset() + w.length());
        if (classWeights.length != classes * channels) {
            throw new IllegalStateException("dense '" + out.name() + "' holds " + classWeights.length + " weights, expected "
                    + classes + " x " + channels);
        }
    }

    /** The input of the global average pooling that feeds the dense output; fails naming what the network has instead. */
    public static String pooledLayer(NetworkSpec spec, String named) {
        Node n = spec.outputNode();
        if (!(n.spec() instanceof Dense)) throw notCam(spec, "its output '" + n.name() + "' is a " + n.spec().type() + ", not dense");
        n = node(spec, n.inputs().get(0));
        while (n != null && (n.spec() instanceof Flatten || n.spec() instanceof Dropout)) n = node(spec, n.inputs().get(0));
        if (n == null || !(n.spec() instanceof GlobalAvgPool)) {
            throw notCam(spec, "its dense output reads " + (n == null ? "the input" : "'" + n.name() + "' (" + n.spec().type()
                    + ")") + ", not a global average pooling");
        }
        String layer = ExplainLayers.resolve(spec, n.inputs().get(0));
        if (named != null && !named.isEmpty() && !named.equals(layer)) {
            throw new IllegalArgumentException("CAM of network '" + spec.name() + "' explains '" + layer + "', the layer its"
                    + " global average pooling reads, not '" + named + "' (Grad-CAM explains any layer)");
        }
        return layer;
    }

    private static Node node(NetworkSpec spec, String name) {
        for (Node n : spec.nodes()) if (n.name().equals(name)) return n;
        return null;
    }

    private static IllegalArgumentException notCam(NetworkSpec spec, String why) {
        return new IllegalArgumentException("CAM needs a network that ends in global average pooling and a dense layer;"
                + " network '" + spec.name() + "' does not: " + why + " (use Grad-CAM)");
    }

    @Override
    void forwardAndWeigh(int count, int[] requested) {
        net.forward(false);
        readScores(count, requested);
        net.readActivation(layer, activations);
        for (int i = 0; i < count; i++) {
            System.arraycopy(classWeights, explained[i] * channels, weights, i * channels, channels);
        }
    }
}
