package io.sparkcnn.model.graph;

import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkSummaryTest {

    @Test
    void leNetRowsHoldShapesParametersAndFlops() {
        NetworkSummary s = NetworkSummary.of(ModelZoo.build("lenet5", 10, Shape.of(1, 28, 28)));
        List<NetworkSummary.Row> rows = s.rows();
        assertEquals(12, rows.size());
        NetworkSummary.Row conv1 = rows.get(0);
        assertEquals("conv1", conv1.name());
        assertEquals("conv2d", conv1.type());
        assertEquals(Shape.of(6, 28, 28), conv1.output());
        assertEquals(6 * 25 + 6, conv1.params());
        // 2 * (6*28*28 outputs * 25 taps) multiply-adds, plus the bias
        assertEquals(2L * 6 * 28 * 28 * 25 + 6 * 28 * 28, conv1.flops());
        assertEquals(Shape.of(16, 5, 5), rows.get(5).output());
        assertEquals(16 * 6 * 25 + 16, rows.get(3).params());
        assertEquals(400 * 120 + 120, rows.get(7).params());
        assertEquals(Shape.of(10), rows.get(11).output());
        assertEquals(61_706L, s.totalParams());
        assertEquals(0L, s.totalBuffers());
        assertEquals(rows.stream().mapToLong(NetworkSummary.Row::flops).sum(), s.totalFlops());
        assertEquals(List.of(), conv1.inputs());
        assertTrue(s.toString().contains("forward 0.85 MFLOPs"), s.toString());
    }

    @Test
    void printedTableHasEveryLayerAndTheTotals() {
        NetworkSpec spec = ModelZoo.build("resnet18_cifar", 10, Shape.of(3, 32, 32));
        String table = NetworkSummary.of(spec).toString();
        assertTrue(table.startsWith("network 'resnet18_cifar', input (3,32,32), loss softmax_cross_entropy\n"), table);
        for (Node n : spec.nodes()) assertTrue(table.contains(n.name()), n.name());
        assertTrue(table.contains("layer2.0.bn2,layer2.0.downsample.1"), "graph inputs are listed:\n" + table);
        assertTrue(table.contains("(512,4,4)"), table);
        assertTrue(table.contains("11,173,962"), table);
        assertTrue(table.contains("parameters 11,173,962 (44.7 MB as float32), buffers 9,600,"), table);
        String[] lines = table.split("\n");
        int width = lines[1].length();
        assertTrue(lines[2].matches("-+") && lines[2].length() == width, "the rule spans the header");
    }
}
