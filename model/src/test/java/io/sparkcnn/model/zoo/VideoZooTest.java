package io.sparkcnn.model.zoo;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The video zoo against torchvision: src/test/resources/zoo/*.tsv hold the parameters of every module of
 * torchvision 0.28's r3d_18 and r2plus1d_18 at 400 classes and of C3D's layers built in torch (written by
 * video_params.py beside them). Specs only: nothing is allocated.
 */
class VideoZooTest {
    private static final Shape CLIP = Shape.of(3, 16, 112, 112);

    /** module -> parameters in torchvision's order, and the total from the header. */
    private static Map<String, Long> published(String name, long[] total) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                VideoZooTest.class.getResourceAsStream("/zoo/" + name + ".tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    total[0] = Long.parseLong(line.split(": ")[1].split(" ")[0]);
                    continue;
                }
                String[] f = line.split("\t");
                m.put(f[0], Long.parseLong(f[1]));
            }
        }
        return m;
    }

    /** node -> parameters, for the nodes that have any, in node order. */
    private static Map<String, Long> perNode(NetworkSpec spec) {
        Map<String, Shape> shapes = spec.shapes();
        Map<String, Long> m = new LinkedHashMap<>();
        for (Node n : spec.nodes()) {
            List<Shape> in = new ArrayList<>();
            for (String i : n.inputs()) in.add(shapes.get(i));
            long p = n.spec().paramCount(in);
            if (p > 0) m.put(n.name(), p);
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"r3d_18, 400, 33371472", "r2plus1d_18, 400, 31505325", "c3d, 487, 79991015"})
    void everyModuleHasTorchsParameterCount(String name, int classes, long total) throws IOException {
        long[] header = new long[1];
        Map<String, Long> expected = published(name, header);
        assertEquals(total, header[0]);
        NetworkSpec spec = ModelZoo.build(name, classes, CLIP);
        assertEquals(total, spec.paramCount());
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(perNode(spec).entrySet()),
                "node names and parameters follow torchvision's modules");
    }

    @Test
    void midChannelsAreTranEtAls() {
        // M = floor(t d^2 Nin Nout / (d^2 Nin + t Nout)): 64->64 gives 144, 64->128 230, 128->256 460, 256->512 921
        assertEquals(144, VideoNets.midChannels(3, 3, 64, 64));
        assertEquals(230, VideoNets.midChannels(3, 3, 64, 128));
        assertEquals(460, VideoNets.midChannels(3, 3, 128, 256));
        assertEquals(921, VideoNets.midChannels(3, 3, 256, 512));
        // the 3-D conv and its factorisation have about the same parameters: 3*3*3*64*64 vs 144*(9*64 + 3*64)
        assertEquals(110_592, 27 * 64 * 64);
        assertEquals(110_592, 144 * (9 * 64 + 3 * 64));
    }

    @Test
    void shapesFollowTheClip() {
        Map<String, Shape> r = ModelZoo.build("r2plus1d_18", 400, CLIP).shapes();
        assertEquals(Shape.of(45, 16, 56, 56), r.get("stem.2"));
        assertEquals(Shape.of(64, 16, 56, 56), r.get("stem.5"));
        assertEquals(Shape.of(230, 16, 28, 28), r.get("layer2.0.conv1.0.2"), "spatial stride in the (1,3,3) conv");
        assertEquals(Shape.of(128, 8, 28, 28), r.get("layer2.0.conv1.0.3"), "temporal stride in the (3,1,1) conv");
        assertEquals(Shape.of(512, 2, 7, 7), r.get("layer4.1.relu"));
        assertEquals(Shape.of(512), r.get("avgpool"), "global pooling over (T, H, W)");
        Map<String, Shape> c = ModelZoo.build("c3d", 487, CLIP).shapes();
        assertEquals(Shape.of(64, 16, 56, 56), c.get("pool1"));
        assertEquals(Shape.of(512, 1, 4, 4), c.get("pool5"));
        Conv temporal = (Conv) node(ModelZoo.build("r2plus1d_18", 400, CLIP), "layer3.0.conv1.0.3").spec();
        assertEquals(List.of(3, 1, 1), List.of(temporal.kernel()[0], temporal.kernel()[1], temporal.kernel()[2]));
    }

    private static Node node(NetworkSpec s, String name) {
        return s.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void sizedModelsAndBadInputs() {
        NetworkSpec small = ModelZoo.build("r2plus1d", 8, Shape.of(3, 16, 32, 32), new ZooOptions(8, 1, null));
        assertEquals(Shape.of(64, 2, 2, 2), small.shapes().get("layer4.0.relu"));
        assertEquals(ModelZoo.build("r2plus1d_18", 400, CLIP).paramCount(),
                ModelZoo.build("r2plus1d", 400, CLIP, new ZooOptions(64, 2, null)).paramCount());
        String m = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("r3d_18", 400, Shape.of(3, 112, 112))).getMessage();
        assertTrue(m.contains("takes clips (C,T,H,W)"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("resnet18", 10, CLIP)).getMessage();
        assertTrue(m.contains("takes images (C,H,W)"), m);
        assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("c3d", 10, CLIP, new ZooOptions(8, 0, null)));
        // C3D's five poolings need at least 16 frames: fewer is a shape error naming the layer
        assertThrows(ShapeException.class, () -> ModelZoo.build("c3d", 10, Shape.of(3, 8, 112, 112)));
        NetworkSpec byName = NetworkConfig.read("network { zoo = r3d, classes = 5, input = [3, 8, 32, 32], width = 4, depth = 1 }");
        assertEquals(ModelZoo.build("r3d", 5, Shape.of(3, 8, 32, 32), new ZooOptions(4, 1, null)).paramCount(), byName.paramCount());
    }

    /** The full-size network files are the zoo models their headers say they are (specs only, no arenas). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"c3d, 79634576", "r3d_18, 33371472", "r2plus1d_18, 31505325"})
    void fullSizeFilesEqualTheZooModel(String name, long params) {
        NetworkSpec read = NetworkConfig.read(java.nio.file.Path.of("../conf/networks/" + name + ".conf"));
        NetworkSpec built = ModelZoo.build(name, 400, Shape.of(3, 16, 112, 112));
        assertSameNetwork(built, read);
        assertEquals(params, read.paramCount());
    }

    private static void assertSameNetwork(NetworkSpec built, NetworkSpec read) {
        assertEquals(built.nodes().size(), read.nodes().size());
        for (int i = 0; i < built.nodes().size(); i++) {
            Node e = built.nodes().get(i), a = read.nodes().get(i);
            assertEquals(e.name(), a.name());
            assertEquals(e.inputs(), a.inputs(), e.name());
            assertEquals(e.spec(), a.spec(), e.name());
        }
        assertEquals(built.loss().toConfig(), read.loss().toConfig());
        assertEquals(built.shapes().values().stream().toList(), read.shapes().values().stream().toList());
    }

    /** The shipped demo networks are the zoo models their headers say they are. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"r2plus1d_small, 16", "single_frame_small, 1"})
    void shippedFilesEqualTheZooModel(String file, int frames) {
        NetworkSpec read = NetworkConfig.read(java.nio.file.Path.of("../conf/networks/" + file + ".conf"));
        NetworkSpec built = ModelZoo.build("r2plus1d", 8, Shape.of(3, frames, 32, 32), new ZooOptions(8, 1, null));
        assertEquals(file, read.name());
        assertSameNetwork(built, read);
        assertEquals(196_945L, read.paramCount(), "the same parameters with 16 frames or one");
    }
}
