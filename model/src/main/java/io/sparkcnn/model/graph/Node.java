package io.sparkcnn.model.graph;

import io.sparkcnn.model.layers.LayerSpec;

import java.util.List;

/** One named layer of a network graph and the names of the nodes it reads ("input" is the network input). */
public record Node(String name, LayerSpec spec, List<String> inputs) {
    public Node {
        inputs = List.copyOf(inputs);
    }
}
