package io.sparkcnn.model.zoo;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.config.NetworkConfigException;
import io.sparkcnn.model.detect.AnchorSpec;
import io.sparkcnn.model.detect.Box;
import io.sparkcnn.model.detect.FeatureMapAnchors;
import io.sparkcnn.model.detect.GroundTruth;
import io.sparkcnn.model.detect.SsdHeads;
import io.sparkcnn.model.detect.SsdLoss;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.task.DetectionTask;
import io.sparkcnn.model.task.Example;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The zoo's single-shot detector: its grids, default anchors, size, and the shipped config file. */
class SsdZooTest {
    static final Shape IN96 = Shape.of(3, 96, 96);

    @Test
    void threeMapsAtStrides8To32WithAnchorsForTheInputSize() {
        NetworkSpec spec = ModelZoo.build("ssd", 10, IN96);
        var shapes = spec.shapes();
        assertEquals(Shape.of(64, 12, 12), shapes.get("map0.pw.relu"));
        assertEquals(Shape.of(128, 6, 6), shapes.get("map1.pw.relu"));
        assertEquals(Shape.of(256, 3, 3), shapes.get("map2.pw.relu"));
        SsdLoss loss = (SsdLoss) spec.loss();
        assertEquals(10, loss.classes());
        List<FeatureMapAnchors> maps = loss.anchors().maps();
        float[] strides = {8, 16, 32}, min = {19.2f, 38.4f, 57.6f}, max = {38.4f, 57.6f, 96f};
        for (int m = 0; m < 3; m++) {
            FeatureMapAnchors f = maps.get(m);
            assertEquals(strides[m], f.stride(), "map " + m);
            assertEquals(min[m], f.minSize(), 1e-4, "map " + m + ": 0.2, 0.4, 0.6 of 96 px");
            assertEquals(max[m], f.maxSize(), 1e-4, "map " + m);
            assertArrayEquals(new float[] {1, 2, 0.5f}, f.aspectRatios());
            assertEquals(4, f.anchorsPerCell());
        }
        assertEquals(4 * (144 + 36 + 9), loss.anchors().anchorCount());
        assertEquals(Shape.of((int) loss.headSize()), shapes.get(SsdHeads.OUTPUT));
        DetectionTask.of(spec).checkNetwork(spec);
    }

    /**
     * Parameters counted by hand, width 16, 10 classes: stem 432 + BN 32; block1 dw 144 + 32, pw 512 + 64;
     * block2 dw 288 + 64, pw 2048 + 128; map0 dw 576 + 128, pw 4096 + 128; map1 dw 576 + 128, pw 8192 + 256;
     * map2 dw 1152 + 256, pw 32768 + 512 (backbone 52,512); heads with bias, 16 box and 44 score channels
     * per map: (9 * 64 + 1) * 60 + (9 * 128 + 1) * 60 + (9 * 256 + 1) * 60 = 242,100.
     */
    @Test
    void parameterCounts() {
        assertEquals(52_512 + 242_100, ModelZoo.build("ssd", 10, IN96).paramCount());
        // two maps on 48x48, width 8: grids 6x6 and 3x3; 3 classes, 16 + 16 channels per map
        NetworkSpec small = ModelZoo.build("ssd", 3, Shape.of(3, 48, 48), new ZooOptions(8, 2, null));
        assertEquals(Shape.of(32, 6, 6), small.shapes().get("map0.pw.relu"));
        assertEquals(Shape.of(64, 3, 3), small.shapes().get("map1.pw.relu"));
        long backbone = 216 + 16 + (72 + 16 + 128 + 32) + (144 + 32 + 512 + 64) + (288 + 64 + 1024 + 64) + (288 + 64 + 2048 + 128);
        long heads = (9 * 32 + 1) * 32 + (9 * 64 + 1) * 32;
        assertEquals(backbone + heads, small.paramCount());
    }

    @Test
    void theConfigFileIsTheZooModel() {
        NetworkSpec read = NetworkConfig.read(Path.of("../conf/networks/ssd_small.conf"));
        NetworkSpec built = ModelZoo.build("ssd", 10, IN96);
        assertEquals("ssd_small", read.name());
        assertEquals(built.nodes().size(), read.nodes().size());
        for (int i = 0; i < built.nodes().size(); i++) {
            Node e = built.nodes().get(i), a = read.nodes().get(i);
            assertEquals(e.name(), a.name());
            assertEquals(e.inputs(), a.inputs(), e.name());
            assertEquals(e.spec(), a.spec(), e.name());
        }
        assertEquals(built.loss(), read.loss());
        assertEquals(built.heads().get(0).node(), read.heads().get(0).node());
        assertEquals(built.shapes().values().stream().toList(), read.shapes().values().stream().toList());
        assertEquals(built.paramCount(), read.paramCount());
        NetworkSpec byName = NetworkConfig.read("network { zoo = ssd, classes = 10, input = [3, 96, 96] }");
        assertEquals(built.loss(), byName.loss());
        assertEquals(built.paramCount(), byName.paramCount());
    }

    /** The shipped network runs: one step on a garment-sized box and an empty image, finite loss. */
    @Test
    void theConfigFileTrainsOneStep() {
        NetworkSpec spec = NetworkConfig.read(Path.of("../conf/networks/ssd_small.conf"));
        DetectionTask task = DetectionTask.of(spec);
        int in = 3 * 96 * 96, t = task.targetSize(null);
        float[] x = new float[2 * in], y = new float[2 * t];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        var box = new GroundTruth(List.of(new Box(10, 20, 40, 70)),
                new int[] {10}, new boolean[1]);
        assertTrue(task.encode(Example.detected("a", 3, 96, 96, new float[in], box), y, 0).positives() > 0);
        task.encode(Example.detected("b", 3, 96, 96, new float[in], GroundTruth.EMPTY), y, t);
        try (CpuBackend backend = new CpuBackend(1);
                Network net = Network.build(spec, 2, backend, 0)) {
            net.initParams(1);
            net.setInput(x, 0);
            net.setTargets(y, 0);
            float loss = net.forwardBackward();
            assertTrue(loss > 0 && Float.isFinite(loss), "loss " + loss);
        }
    }

    @Test
    void sizeOptionsAreCheckedAndNamed() {
        NetworkSpec two = ModelZoo.build("ssd", 10, IN96, new ZooOptions(0, 2, null));
        AnchorSpec a = ((SsdLoss) two.loss()).anchors();
        assertEquals(2, a.maps().size());
        assertEquals(19.2f, a.maps().get(0).minSize(), 1e-4);
        assertEquals(57.6f, a.maps().get(1).minSize(), 1e-4, "two maps: scales 0.2 and 0.6");
        String m = assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { zoo = ssd, classes = 10, input = [3, 96, 96], rates = [2] }")).getMessage();
        assertTrue(m.contains("rates"), m);
        m = assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { zoo = ssd, classes = 10, input = [3, 96, 96], depth = 6 }")).getMessage();
        assertTrue(m.contains("at most 5"), m);
        assertEquals(1, ((SsdLoss) ModelZoo.build("ssd", 1, IN96).loss()).classes(), "a one-class detector");
        m = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build("ssd", 0, IN96)).getMessage();
        assertTrue(m.contains("at least 1 object class"), m);
        // a non-square input: each map's stride keeps its last cell centre inside the image
        NetworkSpec wide = ModelZoo.build("ssd", 2, Shape.of(3, 64, 96));
        FeatureMapAnchors last = ((SsdLoss) wide.loss()).anchors().maps().get(2);
        assertEquals(2, last.height());
        assertEquals(3, last.width());
        assertEquals(32f, last.stride());
    }
}
