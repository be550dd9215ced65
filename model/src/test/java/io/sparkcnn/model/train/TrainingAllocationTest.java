package io.sparkcnn.model.train;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.backend.cpu.CpuContext;
import io.sparkcnn.model.backend.cpu.RangeTask;
import io.sparkcnn.model.backend.cpu.SteadyStateAllocation;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training step of a CNN with conv, batch norm, pooling, dense and dropout allocates
 * nothing on the heap once warm: counted by the JVM per thread, over the calling thread
 * and exactly this backend's workers (see SteadyStateAllocation for why in windows).
 */
class TrainingAllocationTest {
    private static final int BATCH = 16;
    private static final int STEPS = 20;

    @Test
    void aWarmTrainingStepAllocatesNothing() {
        SmallNets.Data d = SmallNets.data(BATCH * 4, 11);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "adamw", "learningRate", 0.01, "weightDecay", 0.01,
                "schedule", "cosine", "totalSteps", 1000, "warmupSteps", 10, "clipNorm", 1.0, "batchSize", BATCH));
        try (CpuBackend backend = new CpuBackend(2)) {
            Trainer t = Trainer.create(SmallNets.cnn(), backend, config);
            for (int s = 0; s < 300; s++) step(t, d, s); // warm-up: classes loaded, code compiled
            long[] ids = SteadyStateAllocation.callerAnd(backend.workerThreadIds());
            assertTrue(ids.length >= 2, "expected the backend's worker threads");
            SteadyStateAllocation.assertWarmWindowsAllocateNothing(STEPS + " training steps", ids, () -> {
                for (int s = 0; s < STEPS; s++) step(t, d, s);
            });
        }
    }

    @Test
    void aWarmFineTuningStepAllocatesNothing() {
        // frozen layers, a frozen batch norm in evaluation mode, skipped backward, rate multipliers: still nothing
        SmallNets.Data d = SmallNets.data(BATCH * 4, 11);
        TrainerConfig config = TrainerConfig.fromMap(Map.of("optimizer", "sgd", "momentum", 0.9, "weightDecay", 0.01,
                "learningRate", 0.01, "clipNorm", 1.0, "batchSize", BATCH));
        try (CpuBackend backend = new CpuBackend(2)) {
            Trainer t = Trainer.create(SmallNets.cnn(), backend, config);
            new LayerTraining(java.util.List.of("conv", "bn"), Map.of("fc2", 0.5), true).applyTo(t);
            for (int s = 0; s < 300; s++) step(t, d, s);
            long[] ids = SteadyStateAllocation.callerAnd(backend.workerThreadIds());
            SteadyStateAllocation.assertWarmWindowsAllocateNothing(STEPS + " fine-tuning steps", ids, () -> {
                for (int s = 0; s < STEPS; s++) step(t, d, s);
            });
        }
    }

    /** Where the self-check's allocations escape to, so the JIT cannot remove them. */
    private static volatile Object sink;

    /** The check fails when every window allocates, on the caller or on a worker only. */
    @Test
    void theCheckFailsOnAllocationsOnTheCallerAndOnTheWorkers() {
        try (CpuContext ctx = new CpuContext(2)) {
            long[] ids = SteadyStateAllocation.callerAnd(ctx.workerThreadIds());
            RangeTask workersAllocate = (from, to) -> {
                if (from > 0) sink = new byte[64]; // the caller runs slice 0, a worker slice 1
            };
            ctx.parallelFor(2, 1, workersAllocate); // the workers are running
            assertThrows(AssertionFailedError.class, () -> SteadyStateAllocation.assertWarmWindowsAllocateNothing(
                    "caller allocates", ids, () -> sink = new byte[64]));
            assertThrows(AssertionFailedError.class, () -> SteadyStateAllocation.assertWarmWindowsAllocateNothing(
                    "a worker allocates", ids, () -> ctx.parallelFor(2, 1, workersAllocate)));
            SteadyStateAllocation.assertWarmWindowsAllocateNothing("nothing allocates", ids,
                    () -> ctx.parallelFor(2, 1, (from, to) -> {}));
        }
    }

    private static void step(Trainer t, SmallNets.Data d, int s) {
        int e = (s % 4) * BATCH;
        t.trainStep(d.inputs(), d.inputOffset(e), d.labels(), e);
    }
}
