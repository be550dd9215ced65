package io.sparkcnn.model.bench;

import io.sparkcnn.model.tensor.Shape;

import java.util.List;

/**
 * One benchmarked training setup: a zoo model, its input ((C,H,W), or (C,T,H,W) for video), classes and batch;
 * bench/torch_bench.py builds the same networks (the video one is torchvision's).
 */
record TrainCase(String name, String zooModel, Shape input, int classes, int batch) {

    static final List<TrainCase> ALL = List.of(
            new TrainCase("LeNet-5 28x28x1 batch 64", "lenet5", Shape.of(1, 28, 28), 10, 64),
            new TrainCase("ResNet-18 CIFAR 32x32x3 batch 32", "resnet18_cifar", Shape.of(3, 32, 32), 10, 32),
            new TrainCase("ResNet-50 224x224x3 batch 8", "resnet50", Shape.of(3, 224, 224), 1000, 8),
            new TrainCase("MobileNet-v1 224x224x3 batch 8", "mobilenet_v1", Shape.of(3, 224, 224), 1000, 8));

    /** The video section: R(2+1)D-18 (Kinetics-400 head) on 8-frame 56x56 clips, torchvision's r2plus1d_18 beside it. */
    static final List<TrainCase> VIDEO = List.of(
            new TrainCase("R(2+1)D-18 3x8x56x56 batch 4", "r2plus1d_18", Shape.of(3, 8, 56, 56), 400, 4));
}
