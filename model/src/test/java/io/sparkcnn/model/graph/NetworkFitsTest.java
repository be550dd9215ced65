package io.sparkcnn.model.graph;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch is checked against the arrays' limit by planning alone, before anything is allocated. */
class NetworkFitsTest {
    @Test
    void planningAloneGivesTheActivationsAnAllocatedNetworkHas() {
        NetworkSpec lenet = ModelZoo.build("lenet5", 10, Shape.of(1, 28, 28)).withLoss(new SoftmaxCrossEntropy());
        try (CpuBackend backend = new CpuBackend(1);
             Network n = Network.build(lenet, 64, backend, 1)) {
            assertEquals(n.arenas().acts().length, Network.checkFits(lenet, 64));
        }
    }

    @Test
    void resNet50At224TakesAtMost28ExamplesPerReplica() {
        NetworkSpec r50 = ModelZoo.build("resnet50", 1000, Shape.of(3, 224, 224)).withLoss(new SoftmaxCrossEntropy());
        long perExample = Network.checkFits(r50, 2) - Network.checkFits(r50, 1);
        assertTrue(perExample * 4 > 290e6 && perExample * 4 < 310e6, "docs/jobs.md says 302 MB per example: " + perExample * 4);
        Network.checkFits(r50, 28); // no allocation: this would be 8.5 GB
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.checkFits(r50, 29));
        assertTrue(e.getMessage().contains("use a smaller batch"), e.getMessage());
    }
}
