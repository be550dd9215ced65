package io.sparkcnn.model.zoo;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shipped segmentation network files are the zoo models they say they are. */
class SegmentationConfigFilesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"fcn8s_small, fcn8s, 8, 2, ''", "fcn16s_small, fcn16s, 8, 2, ''", "fcn32s_small, fcn32s, 8, 2, ''",
            "unet_small, unet, 8, 3, ''", "deeplab_small, deeplab, 8, 3, '1 2 4'"})
    void fileEqualsTheZooModel(String file, String zoo, int width, int depth, String rates) {
        NetworkSpec read = NetworkConfig.read(Path.of("../conf/networks/" + file + ".conf"));
        int[] r = rates.isEmpty() ? null : java.util.Arrays.stream(rates.split(" ")).mapToInt(Integer::parseInt).toArray();
        NetworkSpec built = ModelZoo.build(zoo, 19, Shape.of(3, 64, 128), new ZooOptions(width, depth, r));
        assertEquals(file, read.name());
        assertEquals(built.nodes().size(), read.nodes().size());
        for (int i = 0; i < built.nodes().size(); i++) {
            Node e = built.nodes().get(i), a = read.nodes().get(i);
            assertEquals(e.name(), a.name());
            assertEquals(e.inputs(), a.inputs(), e.name());
            assertEquals(e.spec(), a.spec(), e.name());
        }
        assertEquals(built.loss().toConfig(), read.loss().toConfig());
        assertEquals(built.shapes().values().stream().toList(), read.shapes().values().stream().toList());
        assertEquals(built.paramCount(), read.paramCount());

        String opts = "width = " + width + ", depth = " + depth + (r == null ? "" : ", rates = [" + rates.replace(' ', ',') + "]");
        NetworkSpec byName = NetworkConfig.read("network { zoo = " + zoo + ", classes = 19, input = [3, 64, 128], " + opts + " }");
        assertEquals(built.paramCount(), byName.paramCount());
        assertEquals(built.nodes().size(), byName.nodes().size());
    }

    @org.junit.jupiter.api.Test
    void badZooOptionsNameTheKey() {
        String m = org.junit.jupiter.api.Assertions.assertThrows(io.sparkcnn.model.config.NetworkConfigException.class,
                () -> NetworkConfig.read("network { zoo = deeplab, classes = 19, input = [3, 64, 64], rates = [0] }")).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(m.contains("rates"), m);
        m = org.junit.jupiter.api.Assertions.assertThrows(io.sparkcnn.model.config.NetworkConfigException.class,
                () -> NetworkConfig.read("network { zoo = lenet5, classes = 10, input = [1, 28, 28], width = 4 }")).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(m.contains("takes no width"), m);
    }
}
