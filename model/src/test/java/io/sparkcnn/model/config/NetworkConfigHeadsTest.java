package io.sparkcnn.model.config;

import io.sparkcnn.model.graph.Head;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several loss heads in a network config: read, written back, and refused with a reason. */
class NetworkConfigHeadsTest {
    private static final String LAYERS = "input = [1, 4, 4], layers = ["
            + "{ type = conv2d, name = seg, filters = 3, kernel = 1 }, { type = flatten }, { type = dense, name = fc, units = 2 } ]";

    @Test
    void readsHeadsWithOutputsAndWeights() {
        NetworkSpec spec = NetworkConfig.read("network { " + LAYERS + ", losses = ["
                + "{ type = softmax_cross_entropy, output = seg, weight = 0.4, ignore_index = 255 },"
                + "{ type = mse } ] }");
        assertEquals(List.of(new Head("seg", new SoftmaxCrossEntropy(null, 255), 0.4f), new Head("fc", new MeanSquaredError(), 1f)),
                spec.heads());
        assertFalse(spec.hasSingleLossOnOutput());
        IllegalStateException e = assertThrows(IllegalStateException.class, spec::loss);
        assertTrue(e.getMessage().contains("2 loss heads"), e.getMessage());

        for (String text : List.of(NetworkConfig.write(spec), NetworkConfig.writeJson(spec))) {
            assertTrue(text.contains("losses"), text);
            assertEquals(spec.heads(), NetworkConfig.read(text).heads(), text);
        }
    }

    @Test
    void oneLossOnTheOutputIsStillWrittenAsLoss() {
        NetworkSpec spec = NetworkConfig.read("network { " + LAYERS + ", losses = [ { type = mse } ] }");
        assertTrue(spec.hasSingleLossOnOutput());
        assertEquals(new MeanSquaredError(), spec.loss());
        String text = NetworkConfig.write(spec);
        assertTrue(text.contains("loss") && !text.contains("losses"), text);
    }

    @Test
    void badHeadsAreRefusedWithTheirPlace() {
        String both = "network { " + LAYERS + ", loss = mse, losses = [ { type = mse } ] }";
        assertTrue(assertThrows(NetworkConfigException.class, () -> NetworkConfig.read(both)).getMessage().contains("not both"));
        String unknownNode = "network { " + LAYERS + ", losses = [ { type = mse, output = nowhere } ] }";
        String m = assertThrows(NetworkConfigException.class, () -> NetworkConfig.read(unknownNode)).getMessage();
        assertTrue(m.contains("'nowhere'"), m);
        String badWeight = "network { " + LAYERS + ", losses = [ { type = mse, weight = -1 } ] }";
        m = assertThrows(NetworkConfigException.class, () -> NetworkConfig.read(badWeight)).getMessage();
        assertTrue(m.contains("losses[0]") && m.contains("weight"), m);
        String typo = "network { " + LAYERS + ", losses = [ { type = mse, wieght = 2 } ] }";
        m = assertThrows(NetworkConfigException.class, () -> NetworkConfig.read(typo)).getMessage();
        assertTrue(m.contains("wieght"), m);
    }
}
