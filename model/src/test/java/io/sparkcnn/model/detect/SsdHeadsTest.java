package io.sparkcnn.model.detect;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.task.DetectionTask;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SsdHeadsTest {
    static final AnchorSpec ANCHORS = new AnchorSpec(16, 16, List.of(new FeatureMapAnchors(4, 4, 4, 6, 10, new float[] {1, 2}),
            new FeatureMapAnchors(2, 2, 8, 10, 0, new float[] {1})));
    static final SsdLoss LOSS = new SsdLoss(ANCHORS, 4);

    static NetworkSpec.Builder backbone() {
        return NetworkSpec.builder("heads", Shape.of(3, 16, 16))
                .add("c1", Conv.conv2d(8, 3, 2, 1)).add("r1", Activate.relu())
                .add("c2", Conv.conv2d(8, 3, 2, 1)).add("r2", Activate.relu())
                .add("c3", Conv.conv2d(8, 3, 2, 1)).add("r3", Activate.relu());
    }

    @Test
    void headsFitTheAnchorsAndTrain() {
        NetworkSpec spec = SsdHeads.build(backbone(), List.of("r2", "r3"), LOSS, 3);
        DetectionTask task = DetectionTask.of(spec);
        task.checkNetwork(spec);
        assertEquals(Shape.of((int) LOSS.headSize()), spec.shapes().get(SsdHeads.OUTPUT));
        try (Network net = Network.build(spec, 2, new CpuBackend(1), 0)) {
            net.initParams(1);
            float[] y = new float[2 * task.targetSize(null)];
            task.encode(io.sparkcnn.model.task.Example.detected("a", 3, 16, 16, new float[3 * 256],
                    new GroundTruth(List.of(new Box(2, 3, 9, 12)), new int[] {4}, new boolean[1])), y, 0);
            net.setInput(new float[2 * 3 * 256], 0);
            net.setTargets(y, 0);
            assertTrue(net.forwardBackward() > 0);
        }
    }

    @Test
    void aFeatureNodeOfTheWrongGridIsNamed() {
        ShapeException e = assertThrows(ShapeException.class, () -> SsdHeads.build(backbone(), List.of("r1", "r3"), LOSS, 3));
        assertTrue(e.getMessage().contains("'r1'") && e.getMessage().contains("4x4 grid"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SsdHeads.build(backbone(), List.of("r2"), LOSS, 3));
    }
}
