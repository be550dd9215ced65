package io.sparkcnn.model.explain;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Add;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.LayerSpec;
import io.sparkcnn.model.tensor.Shape;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which feature map an explanation looks at. The default is the output of the last 2-D
 * convolution followed through the per-element layers right after it that keep its shape
 * (batch norm, activation, dropout, residual add): the last conv block's rectified output,
 * what Grad-CAM's authors and pytorch-grad-cam take (ResNet's {@code layer4}, LeNet's relu2).
 */
public final class ExplainLayers {
    private ExplainLayers() {}

    /** The default layer of a classification network; fails when it has no 2-D convolution. */
    public static String defaultLayer(NetworkSpec spec) {
        List<Node> nodes = spec.nodes();
        int last = -1;
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).spec() instanceof Conv c && c.dims() == 2) last = i;
        }
        if (last < 0) {
            throw new IllegalArgumentException("network '" + spec.name() + "' has no 2-D convolution to explain; name a"
                    + " layer with a (C, H, W) output");
        }
        Map<String, Shape> shapes = spec.shapes();
        String at = nodes.get(last).name();
        for (int i = last + 1; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.inputs().contains(at) && keepsMap(n.spec()) && shapes.get(n.name()).equals(shapes.get(at))) at = n.name();
        }
        return at;
    }

    private static boolean keepsMap(LayerSpec s) {
        return s instanceof BatchNorm || s instanceof Activate || s instanceof Dropout || s instanceof Add;
    }

    /**
     * The layer to explain: the named one (checked), or the default when name is null or empty.
     * A layer must be a node with a (C, H, W) output; the class score's gradient reaches it through
     * every layer after it, batch norms included (their evaluation-mode backward).
     */
    public static String resolve(NetworkSpec spec, String name) {
        String layer = name == null || name.isEmpty() ? defaultLayer(spec) : name;
        Shape shape = spec.shapes().get(layer);
        if (shape == null || layer.equals(NetworkSpec.INPUT)) {
            throw new IllegalArgumentException("network '" + spec.name() + "' has no layer '" + layer + "' to explain; its"
                    + " layers are " + spec.nodes().stream().map(Node::name).toList());
        }
        if (shape.rank() != 3) {
            throw new IllegalArgumentException("layer '" + layer + "' of network '" + spec.name() + "' outputs " + shape
                    + ", not a (C, H, W) feature map: explain a convolution's (or its activation's) output");
        }
        return layer;
    }

    /** Per node in spec order: whether it reads the layer's output, directly or through other nodes. */
    public static boolean[] dependents(NetworkSpec spec, String layer) {
        List<Node> nodes = spec.nodes();
        boolean[] marks = new boolean[nodes.size()];
        Set<String> reached = new HashSet<>();
        reached.add(layer);
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                if (reached.contains(in)) {
                    marks[i] = true;
                    reached.add(nodes.get(i).name());
                    break;
                }
            }
        }
        return marks;
    }
}
