package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.tensor.Shape;

/**
 * LeNet-5 in its common modern form (ReLU and max pooling for tanh and subsampling):
 * conv5x5(6, pad 2)-relu-maxpool-conv5x5(16)-relu-maxpool-dense120-relu-dense84-relu-dense.
 * On 28x28x1 with 10 classes it has 61,706 parameters.
 */
final class LeNet {
    private LeNet() {}

    static NetworkSpec build(String name, int classes, Shape input) {
        return head(NetworkSpec.builder(name, input)
                .add("conv1", Conv.conv2d(6, 5, 1, 2))
                .add("relu1", Activate.relu())
                .add("pool1", Pool.max2d(2))
                .add("conv2", Conv.conv2d(16, 5, 1, 0))
                .add("relu2", Activate.relu())
                .add("pool2", Pool.max2d(2)), classes);
    }

    /**
     * The same with batch norm after each convolution (whose bias it replaces): 61,728 parameters
     * at 10 classes plus 44 running statistics. About a point more test accuracy on Fashion-MNIST
     * for a few percent more time (the README's job, docs/jobs.md).
     */
    static NetworkSpec buildWithBatchNorm(String name, int classes, Shape input) {
        return head(batchNormStages(NetworkSpec.builder(name, input), 6, 16), classes);
    }

    /**
     * LeNet-5's layout widened for the README job's accuracy margin: 16 and 32 filters of 5x5, each
     * followed by batch norm, and one dense layer of 128 with dropout 0.3 before the classifier; 117,114
     * parameters at 10 classes plus 96 running statistics, about 4x LeNet-5's multiply-adds. On
     * Fashion-MNIST it reaches 0.91 in 10 epochs where LeNet-5 stays at 0.903-0.906 (docs/jobs.md).
     */
    static NetworkSpec buildWide(String name, int classes, Shape input) {
        return batchNormStages(NetworkSpec.builder(name, input), 16, 32)
                .add("flatten", new Flatten())
                .add("fc1", new Dense(128))
                .add("relu3", Activate.relu())
                .add("drop1", new Dropout(0.3f))
                .add("fc2", new Dense(classes))
                .loss(ModelZoo.classificationLoss())
                .build();
    }

    /** LeNet's two 5x5 stages (the first padded to keep 28x28), each conv-BN-ReLU-maxpool, of f1 and f2 filters. */
    private static NetworkSpec.Builder batchNormStages(NetworkSpec.Builder b, int f1, int f2) {
        return b.add("conv1", Conv.conv2d(f1, 5, 1, 2).withoutBias())
                .add("bn1", new BatchNorm())
                .add("relu1", Activate.relu())
                .add("pool1", Pool.max2d(2))
                .add("conv2", Conv.conv2d(f2, 5, 1, 0).withoutBias())
                .add("bn2", new BatchNorm())
                .add("relu2", Activate.relu())
                .add("pool2", Pool.max2d(2));
    }

    private static NetworkSpec head(NetworkSpec.Builder b, int classes) {
        return b
                .add("flatten", new Flatten())
                .add("fc1", new Dense(120))
                .add("relu3", Activate.relu())
                .add("fc2", new Dense(84))
                .add("relu4", Activate.relu())
                .add("fc3", new Dense(classes))
                .loss(ModelZoo.classificationLoss())
                .build();
    }
}
