package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.LayerSpec;

/**
 * A thin layer over {@link NetworkSpec.Builder} for the zoo: named conv / batch-norm / ReLU
 * steps, each reading the previous node unless told otherwise. Returns node names so that
 * branches can be wired by name.
 */
final class ZooGraph {
    final NetworkSpec.Builder b;

    ZooGraph(String name, io.sparkcnn.model.tensor.Shape input) {
        this.b = NetworkSpec.builder(name, input);
    }

    String last() { return b.last(); }

    String add(String name, LayerSpec spec, String... inputs) {
        b.add(name, spec, inputs.length == 0 ? new String[]{b.last()} : inputs);
        return name;
    }

    /** A square 2-D convolution; bias only where no batch norm follows. */
    static Conv conv(int filters, int kernel, int stride, int padding, boolean bias) {
        Conv c = Conv.conv2d(filters, kernel, stride, padding);
        return bias ? c : c.withoutBias();
    }

    /** conv (no bias) -> batch norm -> relu, as torchvision's BasicConv2d; returns the relu's name. */
    String convBnRelu(String prefix, String input, int filters, int kernel, int stride, int padding, float bnEps) {
        add(prefix + ".conv", conv(filters, kernel, stride, padding, false), input);
        add(prefix + ".bn", new BatchNorm(bnEps, BatchNorm.DEFAULT_MOMENTUM));
        return add(prefix + ".relu", Activate.relu());
    }
}
