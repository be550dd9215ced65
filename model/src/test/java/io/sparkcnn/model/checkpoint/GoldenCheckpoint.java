package io.sparkcnn.model.checkpoint;

import io.sparkcnn.model.data.DataVersion;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The golden checkpoints: a small network (254 parameters, 8 buffer values, 2 optimizer slots)
 * with values given by exact formulas. model/src/test/resources/golden/checkpoint-v1.ckpt was
 * written once by the format-1 writer; {@link #main} wrote checkpoint-v2.ckpt once (the same
 * values plus {@link #data()}). {@link GoldenCheckpointTest} only reads those files, so a change
 * that breaks old checkpoints fails there. Do not regenerate them to make that test pass: write a
 * reader for the old version instead.
 */
public final class GoldenCheckpoint {
    static final String RESOURCE = "/golden/checkpoint-v1.ckpt";
    static final String RESOURCE_V2 = "/golden/checkpoint-v2.ckpt";
    static final String CODE_VERSION = "0.1.0-SNAPSHOT git 0123456789abcdef0123456789abcdef01234567";
    static final long SEED = 0xC0FFEE_5EED_1234L | Long.MIN_VALUE; // negative: the sign bit survives
    static final String TRAINER = "# trainer config, UTF-8: ünïcödé ✓\noptimizer = adam\nlearningRate = 0.001\n";

    private GoldenCheckpoint() {}

    // (2,5,5) -> conv 3x3 pad 1 (4,5,5) -> BN -> relu -> maxpool 2 (4,2,2) -> flatten (16) -> dense (10)
    static NetworkSpec network() {
        return NetworkSpec.builder("golden", Shape.of(2, 5, 5))
                .add("conv", Conv.conv2d(4, 3, 1, 1))
                .add("bn", new BatchNorm())
                .add("relu", Activate.relu())
                .add("pool", Pool.max2d(2))
                .add("flatten", new Flatten())
                .add("fc", new Dense(10))
                .loss(new SoftmaxCrossEntropy())
                .build();
    }

    static Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("step", 1234L);
        c.put("epoch", 3L);
        c.put("round", 61L);
        c.put("data.cursor", 9_876_543_210L);
        return c;
    }

    /** The data version of the format-2 golden file. */
    static DataVersion data() {
        return new DataVersion(17, "train", 50_000, 3,
                "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c",
                "7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730");
    }

    /** Exact in float: multiples of 1/64 in [-50/64, 50/64], varied by kind so sections cannot be swapped unnoticed. */
    static float param(int i) { return ((i * 37) % 101 - 50) / 64f; }

    static float buffer(int i) { return 1f + i / 8f; }

    static float optimizerState(int i) { return -((i * 13) % 29) / 32f; }

    static Checkpoint checkpoint() {
        NetworkSpec net = network();
        int n = (int) net.paramCount();
        float[] params = new float[n];
        for (int i = 0; i < n; i++) params[i] = param(i);
        float[] buffers = new float[8];
        for (int i = 0; i < buffers.length; i++) buffers[i] = buffer(i);
        float[] opt = new float[2 * n];
        for (int i = 0; i < opt.length; i++) opt[i] = optimizerState(i);
        return new Checkpoint(net, TRAINER, CODE_VERSION, SEED, counters(), params, buffers, "adam", 2, opt);
    }

    /** Writes the current format's golden file to args[0]. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.getParent());
        try (OutputStream o = Files.newOutputStream(out)) {
            CheckpointWriter.write(checkpoint().withData(data()), o);
        }
        System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }
}
