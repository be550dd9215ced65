package io.sparkcnn.jobs.checkpoint;

import io.sparkcnn.jobs.train.TinyNet;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.checkpoint.CodeVersion;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointStoreTest {

    private static Checkpoint checkpoint(long step, float fill) {
        int p = (int) TinyNet.spec().paramCount();
        float[] params = new float[p];
        java.util.Arrays.fill(params, fill);
        float[] opt = new float[p];
        java.util.Arrays.fill(opt, -fill);
        return new Checkpoint(TinyNet.spec(), "trainer { }", CodeVersion.current(), 7,
                Map.of("step", step, "epoch", 1L, "round", step / 2), params, new float[0], "sgd", 1, opt);
    }

    @Test
    void keepsTheLastKAndReadsBackWhatItWrote(@TempDir Path tmp) throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.toUri().toString(), new Configuration());
        for (int s = 1; s <= 4; s++) store.save(checkpoint(s * 10, s), "job { }", 2);
        assertEquals(2, store.list().size());
        assertTrue(store.list().get(0).getName().endsWith("000000000040"));
        CheckpointStore.Loaded l = store.newest().orElseThrow();
        assertEquals(40, l.checkpoint().counter("step", -1));
        assertEquals(20, l.checkpoint().counter("round", -1));
        assertArrayEquals(checkpoint(40, 4).params(), l.checkpoint().params());
        assertArrayEquals(checkpoint(40, 4).optimizerState(), l.checkpoint().optimizerState());
        assertEquals("job { }", l.jobConfig());
        try (var names = Files.list(tmp.resolve("checkpoints"))) {
            assertTrue(names.noneMatch(p -> p.getFileName().toString().startsWith("_tmp")));
        }
    }

    @Test
    void aDamagedNewestCheckpointIsSkippedForTheOneBefore(@TempDir Path tmp) throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.toUri().toString(), new Configuration());
        store.save(checkpoint(10, 1), "job { }", 3);
        store.save(checkpoint(20, 2), "job { }", 3);
        Path model = tmp.resolve("checkpoints/step-000000000020/" + CheckpointStore.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // a crash mid-copy
        Files.deleteIfExists(tmp.resolve("checkpoints/step-000000000020/." + CheckpointStore.MODEL_FILE + ".crc"));
        assertEquals(10, store.newest().orElseThrow().checkpoint().counter("step", -1));
    }

    @Test
    void anUnfinishedTemporaryDirectoryIsNeverTakenForACheckpoint(@TempDir Path tmp) throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.toUri().toString(), new Configuration());
        store.save(checkpoint(10, 1), "job { }", 3);
        Files.createDirectories(tmp.resolve("checkpoints/_tmp-step-000000000030"));
        assertEquals(1, store.list().size());
        assertEquals(10, store.newest().orElseThrow().checkpoint().counter("step", -1));
    }
}
