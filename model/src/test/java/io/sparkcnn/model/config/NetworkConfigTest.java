package io.sparkcnn.model.config;

import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Add;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ConvTranspose;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.GlobalAvgPool;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.layers.Upsample;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.losses.SigmoidBinaryCrossEntropy;
import io.sparkcnn.model.losses.SmoothL1;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkConfigTest {
    static final Path NETWORKS = Path.of("..", "conf", "networks");

    /** Every layer type with settings other than the defaults, over 1-D, 2-D and 3-D inputs. */
    static List<NetworkSpec> everyLayerType() {
        NetworkSpec twoD = NetworkSpec.builder("two_d", Shape.of(4, 9, 10))
                .add("c", new Conv(2, 8, new int[]{3, 5}, new int[]{2, 1}, new int[]{1, 2}, new int[]{1, 2}, 2, false), "input")
                .add("bn", new BatchNorm(1e-3f, 0.05f))
                .add("lrelu", Activate.leakyRelu(0.2f))
                .add("up", new Upsample(Upsample.Mode.BILINEAR, 2, 3))
                .add("mp", new Pool(true, 2, new int[]{3, 2}, new int[]{2, 2}, new int[]{1, 0}, true))
                .add("ap", Pool.avg2d(3, 1, 1).withCountIncludePad(false))
                .add("t", new ConvTranspose(2, 6, new int[]{3}, new int[]{2}, new int[]{1}, new int[]{1}, new int[]{1}, 2, true))
                .add("up2", Upsample.nearest(2), "t")
                .add("side", Conv.conv2d(6, 1, 2, 0), "up2")
                .add("sum", new Add(), "t", "side")
                .add("cat", new Concat(), "sum", "t", "side")
                .add("sig", Activate.sigmoid())
                .add("tanh", Activate.tanh())
                .add("relu", Activate.relu())
                .add("drop", new Dropout(0.3f))
                .add("gap", new GlobalAvgPool())
                .add("flat", new Flatten(), "cat")
                .add("fc", new Dense(5, false))
                .loss(new SoftmaxCrossEntropy(new float[]{1f, 0.5f, 2f, 0.25f, 3f}, 2))
                .build();
        NetworkSpec oneD = NetworkSpec.builder("one_d", Shape.of(2, 17))
                .add("c", new Conv(1, 4, new int[]{3}, new int[]{2}, new int[]{1}, new int[]{2}, 2, true))
                .add("t", new ConvTranspose(1, 2, new int[]{4}, new int[]{2}, new int[]{1}, new int[]{0}, new int[]{1}, 1, false))
                .add("bn", new BatchNorm())
                .loss(new MeanSquaredError())
                .build();
        NetworkSpec threeD = NetworkSpec.builder("three_d", Shape.of(2, 6, 8, 8))
                .add("c", new Conv(3, 4, new int[]{3, 3, 3}, new int[]{1, 2, 2}, new int[]{1}, new int[]{1}, 1, true))
                .add("mp", Pool.max3d(2, 2, 0))
                .add("ap", Pool.avg3d(3, 1, 1))
                .add("t", new ConvTranspose(3, 2, new int[]{2}, new int[]{2}, new int[]{0}, new int[]{0}, new int[]{1}, 2, true))
                .add("gap", new GlobalAvgPool())
                .loss(new SmoothL1(0.5f))
                .build();
        NetworkSpec withBce = NetworkSpec.builder("bce", Shape.of(4)).add("fc", new Dense(3))
                .loss(new SigmoidBinaryCrossEntropy()).build();
        NetworkSpec noLoss = NetworkSpec.builder("no_loss", Shape.of(4)).add("fc", new Dense(3)).build();
        return List.of(twoD, oneD, threeD, withBce, noLoss, SsdLossConfigTest.spec());
    }

    static void assertSameSpec(NetworkSpec expected, NetworkSpec actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.input(), actual.input());
        assertEquals(expected.nodes().size(), actual.nodes().size());
        for (int i = 0; i < expected.nodes().size(); i++) {
            Node e = expected.nodes().get(i), a = actual.nodes().get(i);
            assertEquals(e.name(), a.name());
            assertEquals(e.inputs(), a.inputs(), e.name());
            assertEquals(e.spec().type(), a.spec().type(), e.name());
            assertEquals(e.spec().getClass(), a.spec().getClass(), e.name());
            assertEquals(e.spec().toConfig(), a.spec().toConfig(), e.name());
        }
        LossSpec el = expected.loss(), al = actual.loss();
        if (el == null) {
            assertNull(al);
        } else {
            assertEquals(el.type(), al.type());
            assertEquals(el.toConfig(), al.toConfig());
        }
        assertEquals(expected.paramCount(), actual.paramCount());
        assertEquals(expected.shapes(), actual.shapes());
    }

    @Test
    void everyRegisteredTypeIsCoveredByTheRoundTrip() {
        Set<String> layers = new HashSet<>(), losses = new HashSet<>();
        for (NetworkSpec s : everyLayerType()) {
            for (Node n : s.nodes()) layers.add(n.spec().type());
            if (s.loss() != null) losses.add(s.loss().type());
        }
        Set<String> missing = new HashSet<>(LayerRegistry.defaults().layerTypes());
        missing.removeAll(layers);
        assertEquals(Set.of(), missing, "layer types without a round trip");
        Set<String> missingLosses = new HashSet<>(LayerRegistry.defaults().lossTypes());
        missingLosses.removeAll(losses);
        assertEquals(Set.of("mse", "sigmoid_bce"), missingLosses, "only the short aliases are never written");
    }

    @Test
    void hoconRoundTripGivesTheSameSpec() {
        for (NetworkSpec spec : everyLayerType()) {
            String text = NetworkConfig.write(spec);
            NetworkSpec back = NetworkConfig.read(text);
            assertSameSpec(spec, back);
            assertEquals(text, NetworkConfig.write(back), "writing is stable");
        }
    }

    @Test
    void jsonRoundTripGivesTheSameSpec() {
        for (NetworkSpec spec : everyLayerType()) {
            String json = NetworkConfig.writeJson(spec);
            assertTrue(json.startsWith("{\n  \"network\": {"), json);
            assertSameSpec(spec, NetworkConfig.read(json));
            assertEquals(json, NetworkConfig.writeJson(NetworkConfig.read(NetworkConfig.write(spec))));
        }
    }

    @Test
    void zooModelsRoundTrip() {
        for (String name : List.of("resnet18_cifar", "inception_v1", "mobilenet_v1")) {
            NetworkSpec spec = ModelZoo.build(name, 10, Shape.of(3, 32, 32));
            assertSameSpec(spec, NetworkConfig.read(NetworkConfig.write(spec)));
        }
    }

    @Test
    void defaultsFollowPyTorchAndNamesFollowTypeAndPosition() {
        NetworkSpec spec = NetworkConfig.read("""
                network {
                  input = [3, 8, 8]
                  layers = [
                    { type = conv2d, filters = 4, kernel = 3 }
                    { type = leaky_relu }
                    { type = maxpool2d, kernel = 2 }
                    { type = avgpool2d, kernel = 2 }
                    { type = dropout }
                    { type = batchnorm }
                    { type = upsample, scale = 2 }
                    { type = flatten }
                    { type = dense, units = 3 }
                  ]
                  loss = smooth_l1
                }""");
        assertEquals("network", spec.name());
        List<Node> n = spec.nodes();
        assertEquals(List.of("conv2d1", "leaky_relu2", "maxpool2d3", "avgpool2d4", "dropout5", "batchnorm6", "upsample7",
                "flatten8", "dense9"), n.stream().map(Node::name).toList());
        assertEquals(List.of("input"), n.get(0).inputs());
        assertEquals(List.of("conv2d1"), n.get(1).inputs());
        assertEquals(new Conv(2, 4, new int[]{3}, new int[]{1}, new int[]{0}, new int[]{1}, 1, true), n.get(0).spec());
        assertEquals(Activate.leakyRelu(0.01f), n.get(1).spec());
        assertEquals(Pool.max2d(2), n.get(2).spec());
        assertEquals(Pool.avg2d(2), n.get(3).spec());
        assertEquals(new Dropout(0.5f), n.get(4).spec());
        assertEquals(new BatchNorm(), n.get(5).spec());
        assertEquals(Upsample.nearest(2), n.get(6).spec());
        assertEquals(new Dense(3), n.get(8).spec());
        assertEquals(new SmoothL1(), spec.loss());
    }

    @Test
    void shortLossNamesAreAccepted() {
        String layers = "input = [4], layers = [{type = dense, units = 2}]";
        assertEquals(new MeanSquaredError(), NetworkConfig.read("network { " + layers + ", loss = mse }").loss());
        assertEquals(new SigmoidBinaryCrossEntropy(), NetworkConfig.read("network { " + layers + ", loss { type = sigmoid_bce } }").loss());
    }

    @Test
    void rootMayBeTheNetworkAndJobFilesMayHoldOtherSections() {
        NetworkSpec root = NetworkConfig.read("input = [4], layers = [{type = dense, units = 2}]");
        assertEquals(Shape.of(2), root.shapes().get("dense1"));
        NetworkSpec nested = NetworkConfig.read("trainer { lr = 0.1 }\nnetwork { input = [4], layers = [{type = dense, units = 2}] }");
        assertEquals(1, nested.nodes().size());
    }

    @Test
    void zooModelsAreUsableFromConfigs() {
        NetworkSpec spec = NetworkConfig.read("network { zoo = resnet18, classes = 1000, input = [3, 224, 224] }");
        assertEquals(11_689_512L, spec.paramCount());
        assertEquals("resnet18", spec.name());
        NetworkSpec renamed = NetworkConfig.read("network { zoo = lenet5, name = mine, classes = 10, input = [1, 28, 28], loss = mse }");
        assertEquals("mine", renamed.name());
        assertEquals(new MeanSquaredError(), renamed.loss());
        assertEquals(61_706L, renamed.paramCount());
    }

    @Test
    void lenet5ConfigIsTheZooLeNet() {
        NetworkSpec fromFile = NetworkConfig.read(NETWORKS.resolve("lenet5.conf"));
        assertSameSpec(ModelZoo.build("lenet5", 10, Shape.of(1, 28, 28)), fromFile);
        assertEquals(61_706L, fromFile.paramCount());
    }

    @Test
    void residualConfigIsAGraph() {
        NetworkSpec spec = NetworkConfig.read(NETWORKS.resolve("resnet8_cifar.conf"));
        assertEquals(Shape.of(10), spec.shapes().get("fc"));
        assertEquals(Shape.of(64, 8, 8), spec.shapes().get("s3_out"));
        assertEquals(List.of("s2_bn2", "s2_proj_bn"), spec.nodes().stream().filter(n -> n.name().equals("s2_add"))
                .findFirst().orElseThrow().inputs());
        // 3x3 convs: stem 3*16*9, stage 1 2*(16*16*9), stage 2 16*32*9 + 32*32*9, stage 3 32*64*9 + 64*64*9;
        // 1x1 projections 16*32 + 32*64; batch norm 2*(16 + 2*16 + 3*32 + 3*64); dense 64*10 + 10
        long expected = 432 + 2 * 2304 + 4608 + 9216 + 18432 + 36864 + 512 + 2048 + 2 * (16 + 32 + 96 + 192) + 650;
        assertEquals(expected, spec.paramCount());
    }
}
