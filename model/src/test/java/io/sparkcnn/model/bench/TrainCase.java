package io.sparkcnn.model.bench;

import io.sparkcnn.model.tensor.Shape;

import java.util.List;

/**
 * One benchmarked training setup: a zoo model, its input (an image (C,H,W) or a clip (C,T,H,W)), classes and
 * batch; bench/torch_bench.py builds the same networks.
 */
record TrainCase(String name, String zooModel, Shape input, int classes, int batch) {

    static final List<TrainCase> ALL = List.of(
            new TrainCase("LeNet-5 28x28x1 batch 64", "lenet5", Shape.of(1, 28, 28), 10, 64),
            new TrainCase("ResNet-18 CIFAR 32x32x3 batch 32", "resnet18_cifar", Shape.of(3, 32, 32), 10, 32));

    /** The video section's cases: each example is a clip (C,T,H,W), the figure clips/s. */
    static final List<TrainCase> VIDEO = List.of(
            new TrainCase("R(2+1)D-18 3x8x56x56 batch 4", "r2plus1d_18", Shape.of(3, 8, 56, 56), 400, 4));
}
