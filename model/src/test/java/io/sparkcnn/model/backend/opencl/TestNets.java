package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.optim.Optimizer;
import io.sparkcnn.model.optim.Sgd;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.SmallNets;

/** A small CNN with every kind of stateful layer, a learnable synthetic task, and a bare training loop. */
final class TestNets {
    static final int SIDE = SmallNets.SIDE, CLASSES = SmallNets.CLASSES;

    private TestNets() {}

    // (1,8,8) -> conv 3x3 (4,8,8) -> BN -> relu -> maxpool (4,4,4) -> dense 16 -> relu -> dropout -> dense 3
    static NetworkSpec smallCnn() {
        return NetworkSpec.builder("small-cnn", Shape.of(1, SIDE, SIDE))
                .add("conv", Conv.conv2d(4, 3, 1, 1))
                .add("bn", new BatchNorm())
                .add("relu1", Activate.relu())
                .add("pool", Pool.max2d(2))
                .add("flat", new Flatten())
                .add("fc1", new Dense(16))
                .add("relu2", Activate.relu())
                .add("drop", new Dropout(0.25f))
                .add("fc2", new Dense(CLASSES))
                .loss(new SoftmaxCrossEntropy())
                .build();
    }

    /** count examples of SmallNets' synthetic task, as {inputs, labels}. */
    static float[][] bands(int count, long seed) {
        SmallNets.Data d = SmallNets.data(count, seed);
        return new float[][]{d.inputs(), d.labels()};
    }

    /** A network with SGD momentum state, parameters from seed. */
    static Network build(NetworkSpec spec, int batch, Backend backend, Optimizer opt, long seed) {
        Network net = Network.build(spec, batch, backend, opt.stateSlots());
        net.initParams(seed);
        opt.initState(backend, net.paramCount());
        return net;
    }

    static Optimizer sgd() { return Sgd.momentum(0.9f); }

    /** One step on minibatch b (wrapping around the data): forward, backward, update; returns the loss. */
    static float step(Network net, Optimizer opt, float[][] data, int b, float lr) {
        int batch = net.batch(), count = data[1].length, first = (b * batch) % (count - batch + 1);
        net.setInput(data[0], first * net.inputSize());
        net.setTargets(data[1], first);
        float loss = net.forwardBackward();
        opt.step(net.backend(), net.paramCount(), lr, net.step());
        return loss;
    }

    /** Top-1 accuracy over the first count examples in inference mode (count a multiple of the batch). */
    static double accuracy(Network net, float[][] data, int count) {
        int batch = net.batch(), classes = net.outputSize(), correct = 0;
        float[] out = new float[batch * classes];
        for (int first = 0; first + batch <= count; first += batch) {
            net.setInput(data[0], first * net.inputSize());
            net.forward(false);
            net.readOutput(out);
            for (int e = 0; e < batch; e++) {
                int arg = 0;
                for (int c = 1; c < classes; c++) if (out[e * classes + c] > out[e * classes + arg]) arg = c;
                if (arg == (int) data[1][first + e]) correct++;
            }
        }
        return correct / (double) (count / batch * batch);
    }

    /** Largest |a - b| relative to the largest |b|. */
    static double relativeError(float[] a, float[] b) {
        double worst = 0, scale = 1e-12;
        for (int i = 0; i < b.length; i++) {
            worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return worst / scale;
    }
}
