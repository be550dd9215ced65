package io.sparkcnn.model.checkpoint;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Head;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.NetworkSummary;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
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

/** A network with several loss heads is saved, compared and summarised with its heads. */
class MultiHeadCheckpointTest {
    private static NetworkSpec spec(float auxWeight) {
        return NetworkSpec.builder("two-heads", Shape.of(1, 4, 4))
                .add("seg", Conv.conv2d(3, 3, 1, 1)).add("flat", new Flatten()).add("fc", new Dense(2))
                .head("seg", new SoftmaxCrossEntropy(null, 255), auxWeight)
                .head("fc", new MeanSquaredError(), 1f)
                .build();
    }

    @Test
    void headsTravelThroughACheckpointAndAreCompared() throws Exception {
        try (Network net = Network.build(spec(0.4f), 2, new CpuBackend(1), 0)) {
            net.initParams(1);
            Checkpoint c = Checkpoint.capture(net, "", Checkpoint.NO_OPTIMIZER, 1, Map.of());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CheckpointWriter.write(c, out);
            Checkpoint back = CheckpointReader.read(new ByteArrayInputStream(out.toByteArray()), "heads.ckpt");
            assertEquals(List.of(new Head("seg", new SoftmaxCrossEntropy(null, 255), 0.4f), new Head("fc", new MeanSquaredError(), 1f)),
                    back.network().heads());
            assertArrayEquals(c.params(), back.params());
            back.requireSameNetwork(spec(0.4f), "heads.ckpt");
            CheckpointException e = assertThrows(CheckpointException.class, () -> back.requireSameNetwork(spec(0.5f), "heads.ckpt"));
            assertTrue(e.getMessage().contains("another network"), e.getMessage());
        }
        String summary = NetworkSummary.of(spec(0.4f)).toString();
        assertTrue(summary.contains("0.4 x softmax_cross_entropy on 'seg'") && summary.contains("1.0 x mean_squared_error on 'fc'"), summary);
    }
}
