package io.sparkcnn.model.detect;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.backend.cpu.SteadyStateAllocation;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.task.DetectionTask;
import io.sparkcnn.model.task.Example;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * A warm training step with the SSD loss allocates nothing: the host buffers are planned, and
 * mining sorts in place. 5120 anchors per image, more than the size at which the JDK's sort of
 * a long[] starts merging runs in a new buffer.
 */
class SsdLossAllocationTest {
    @Test
    void aWarmDetectionStepAllocatesNothing() {
        AnchorSpec anchors = new AnchorSpec(32, 32, List.of(new FeatureMapAnchors(32, 32, 1, 2, 4, new float[] {1, 2, 0.5f, 3})));
        SsdLoss loss = new SsdLoss(anchors, 2);
        NetworkSpec spec = SsdHeads.build(NetworkSpec.builder("alloc-ssd", Shape.of(1, 32, 32)).add("c1", Conv.conv2d(4, 3, 1, 1)),
                List.of("c1"), loss, 1);
        DetectionTask task = DetectionTask.of(spec);
        int batch = 2;
        float[] x = new float[batch * 32 * 32], y = new float[batch * task.targetSize(null)];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.37);
        task.encode(Example.detected("a", 1, 32, 32, new float[1024],
                new GroundTruth(List.of(new Box(3, 4, 12, 10), new Box(20, 18, 31, 30)), new int[] {1, 2}, new boolean[2])), y, 0);
        task.encode(Example.detected("b", 1, 32, 32, new float[1024], GroundTruth.EMPTY), y, task.targetSize(null));
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "sgd", "learningRate", 0.001, "batchSize", batch));
        try (CpuBackend backend = new CpuBackend(2)) {
            Trainer t = Trainer.create(spec, backend, config, task);
            for (int s = 0; s < 200; s++) t.trainStep(x, 0, y, 0);
            long[] ids = SteadyStateAllocation.callerAnd(backend.workerThreadIds());
            SteadyStateAllocation.assertWarmWindowsAllocateNothing("5 detection training steps", ids, () -> {
                for (int s = 0; s < 5; s++) t.trainStep(x, 0, y, 0);
            });
        }
    }
}
