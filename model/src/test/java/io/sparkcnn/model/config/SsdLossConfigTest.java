package io.sparkcnn.model.config;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.checkpoint.CheckpointReader;
import io.sparkcnn.model.checkpoint.CheckpointWriter;
import io.sparkcnn.model.detect.AnchorSpec;
import io.sparkcnn.model.detect.FeatureMapAnchors;
import io.sparkcnn.model.detect.SsdLoss;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ssd loss, with its anchors, travels through network configs and checkpoints. */
class SsdLossConfigTest {
    static final AnchorSpec ANCHORS = new AnchorSpec(8, 8, List.of(new FeatureMapAnchors(2, 2, 4, 3, 6, new float[] {1, 2, 0.5f}),
            new FeatureMapAnchors(1, 1, 8, 6.5f, 0, new float[] {1})));
    static final SsdLoss LOSS = new SsdLoss(ANCHORS, 3, 0.5f, 4, 2);

    static NetworkSpec spec() {
        return NetworkSpec.builder("ssd-config", Shape.of(1, 8, 8))
                .add("c1", Conv.conv2d(4, 3, 4, 1))
                .add("loc1", Conv.conv2d(4 * 4, 1, 1, 0), "c1").add("conf1", Conv.conv2d(4 * 4, 1, 1, 0), "c1")
                .add("c2", Conv.conv2d(4, 2, 2, 0), "c1")
                .add("loc2", Conv.conv2d(4, 1, 1, 0), "c2").add("conf2", Conv.conv2d(4, 1, 1, 0), "c2")
                .add("lf1", new Flatten(), "loc1").add("lf2", new Flatten(), "loc2")
                .add("cf1", new Flatten(), "conf1").add("cf2", new Flatten(), "conf2")
                .add("det", new Concat(), "lf1", "lf2", "cf1", "cf2")
                .loss(LOSS).build();
    }

    @Test
    void writtenAndReadBackEqual() {
        NetworkSpec s = spec();
        assertEquals(NetworkConfig.writeJson(s), NetworkConfig.writeJson(NetworkConfig.read(NetworkConfig.write(s))));
        assertEquals(LOSS, NetworkConfig.read(NetworkConfig.write(s)).loss());
        assertEquals(LOSS, NetworkConfig.read(NetworkConfig.writeJson(s)).loss());
    }

    @Test
    void aCheckpointKeepsTheAnchors() throws Exception {
        try (Network net = Network.build(spec(), 1, new CpuBackend(1), 0)) {
            net.initParams(1);
            Checkpoint c = Checkpoint.capture(net, "", Checkpoint.NO_OPTIMIZER, 1, Map.of());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CheckpointWriter.write(c, out);
            Checkpoint back = CheckpointReader.read(new ByteArrayInputStream(out.toByteArray()), "ssd.ckpt");
            assertEquals(LOSS, back.network().loss());
            assertArrayEquals(c.params(), back.params());
            back.requireSameNetwork(spec(), "ssd.ckpt");
        }
    }

    @Test
    void badSettingsAreNamedWithTheirPlace() {
        String text = NetworkConfig.write(spec());
        NetworkConfigException typo = assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read(text.replace("min_size", "minsize"), "ssd.conf"));
        assertTrue(typo.getMessage().contains("ssd.conf") && typo.getMessage().contains("feature_maps[0]")
                && typo.getMessage().contains("min_size"), typo.getMessage());
        NetworkConfigException extra = assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read(text.replace("max_size", "maxsize"), "ssd.conf"));
        assertTrue(extra.getMessage().contains("maxsize"), extra.getMessage());
        NetworkConfigException size = assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read(text.replace("6.5", "-1"), "ssd.conf"));
        assertTrue(size.getMessage().contains("ssd.conf") && size.getMessage().contains("feature_maps[1].min_size"), size.getMessage());
    }
}
