package io.sparkcnn.model.backend.opencl;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.optim.Optimizer;
import io.sparkcnn.model.optim.Sgd;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LeNet-5 on a subset of the real Fashion-MNIST, trained the same way (same initial
 * parameters, same minibatches, SGD with momentum) on OpenCL and on the CPU backend: the
 * test accuracies agree. Sized for pocl on two cores (a few hundred steps).
 */
class OpenClLeNetTrainingTest {
    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
    static final int BATCH = 32, STEPS = 300, TEST = 1024;

    @Test
    void reachesTheSameAccuracyAsTheCpuBackend() throws IOException {
        DeviceFixture.firstDevice();
        // deploy/install-deps.sh installs the data wherever the tests run: missing data is a failure, not a skip
        assertTrue(Files.isDirectory(DATA), "Fashion-MNIST is not installed at " + DATA + " (Debian package dataset-fashion-mnist)");
        float[][] train = load("train", BATCH * STEPS);
        float[][] test = load("t10k", TEST);
        NetworkSpec spec = ModelZoo.build("lenet5", 10, Shape.of(1, 28, 28));

        long t0 = System.nanoTime();
        double cpu = trainAndScore(spec, new CpuBackend(2), train, test);
        long t1 = System.nanoTime();
        double device = trainAndScore(spec, new OpenClBackend(DeviceFixture.firstDevice(), true, 1), train, test);
        long t2 = System.nanoTime();
        System.out.printf("LeNet-5, %d steps of %d: test accuracy cpu %.4f (%.1f s), opencl %.4f (%.1f s)%n",
                STEPS, BATCH, cpu, (t1 - t0) / 1e9, device, (t2 - t1) / 1e9);
        assertTrue(cpu > 0.70, "the CPU run learned (accuracy " + cpu + ")");
        assertEquals(cpu, device, 0.02, "OpenCL and CPU test accuracy");
    }

    private static double trainAndScore(NetworkSpec spec, Backend backend, float[][] train, float[][] test) {
        Optimizer opt = Sgd.momentum(0.9f);
        try (Network net = TestNets.build(spec, BATCH, backend, opt, 42)) {
            for (int s = 0; s < STEPS; s++) {
                float loss = TestNets.step(net, opt, train, s, 0.02f);
                assertTrue(Float.isFinite(loss), backend.name() + " loss at step " + s);
            }
            return TestNets.accuracy(net, test, TEST);
        }
    }

    /** The first count images (normalised to zero mean, unit variance) and labels of an idx split. */
    static float[][] load(String split, int count) throws IOException {
        float[] x = new float[count * 784];
        float[] y = new float[count];
        try (DataInputStream in = open(split + "-images-idx3-ubyte.gz")) {
            if (in.readInt() != 0x803) throw new IOException("not an idx3 image file: " + split);
            int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (n < count || rows * cols != 784) throw new IOException("unexpected idx3 header " + n + "x" + rows + "x" + cols);
            byte[] pixels = new byte[count * 784];
            in.readFully(pixels);
            for (int i = 0; i < pixels.length; i++) x[i] = ((pixels[i] & 0xFF) / 255f - 0.2860f) / 0.3530f;
        }
        try (DataInputStream in = open(split + "-labels-idx1-ubyte.gz")) {
            if (in.readInt() != 0x801) throw new IOException("not an idx1 label file: " + split);
            in.readInt();
            byte[] labels = new byte[count];
            in.readFully(labels);
            for (int i = 0; i < count; i++) y[i] = labels[i];
        }
        return new float[][]{x, y};
    }

    private static DataInputStream open(String name) throws IOException {
        InputStream raw = Files.newInputStream(DATA.resolve(name));
        return new DataInputStream(new GZIPInputStream(raw, 1 << 16));
    }
}
