package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.checkpoint.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What --resume refuses instead of silently starting over or continuing on other rows. */
class ResumeRefusalsTest extends SharedSpark {
    @TempDir
    static Path tmp;
    private String data;
    private Path network;

    @BeforeAll
    void writeData() throws IOException {
        data = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 400, 40);
        network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, TinyShards.networkConfig());
    }

    private JobConfig config(String run, String... more) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + tmp.resolve(run).toUri(), "data.path=" + data, "model.file=" + network,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=3", "train.epochs=2", "train.checkpointEvery=1", "train.keepCheckpoints=2",
                "trainer.learningRate=0.05", "backend.kind=cpu", "data.shuffleBlockRows=16", "train.evaluateAtEnd=false",
                "train.progress=off"));
        o.addAll(List.of(more));
        return JobConfig.load(null, o);
    }

    private TrainJob.Result train(JobConfig cfg, boolean resume) {
        return TrainJob.run(spark, JobPlan.prepare(cfg, sc.hadoopConfiguration()), resume);
    }

    private CheckpointStore store(String run) {
        return new CheckpointStore(tmp.resolve(run).toUri().toString(), sc.hadoopConfiguration());
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> dir.relativize(p) + " " + p.toFile().length()).sorted().toList();
        }
    }

    @Test
    void aResumeWhoseEveryCheckpointIsDamagedIsRefusedNamingEachAndWhy() throws IOException {
        train(config("damaged", "train.maxRounds=2"), false);
        Path checkpoints = tmp.resolve("damaged/checkpoints");
        Path newest = checkpoints.resolve("step-000000000006/model.sckp");
        Path older = checkpoints.resolve("step-000000000003/model.sckp");
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        // without its .crc sidecar Hadoop's file:// reads the short file as it is: the checkpoint reader finds the cut
        Files.delete(newest.resolveSibling(".model.sckp.crc"));
        try (RandomAccessFile f = new RandomAccessFile(older.toFile(), "rw")) {
            f.seek(f.length() - 40); // inside the optimizer state
            int b = f.read();
            f.seek(f.length() - 40);
            f.write(b ^ 0x10);
        }
        List<String> before = listing(tmp.resolve("damaged"));

        ConfigException refused = assertThrows(ConfigException.class, () -> train(config("damaged"), true));
        assertEquals("run.dir", refused.key());
        String m = refused.getMessage();
        assertTrue(m.contains("step-000000000006: ") && m.contains("truncated"), m);
        // with it, Hadoop's checksum of the file catches the flipped bit before the section's CRC-32 would
        assertTrue(m.contains("step-000000000003: ") && m.contains("Checksum error"), m);
        assertTrue(m.contains("nothing was started or overwritten"), m);
        assertEquals(before, listing(tmp.resolve("damaged")), "checkpoints and metrics untouched");
    }

    @Test
    void aCheckpointWithoutItsDataVersionIsRefusedWhenPinnedAndMovesToANewEpochWhenLatest() throws IOException {
        train(config("unrecorded", "train.maxRounds=2"), false);
        // as a checkpoint of format 1 (or older code) reads: no data version
        CheckpointStore store = store("unrecorded");
        CheckpointStore.Loaded l = store.newest().orElseThrow();
        Checkpoint c = l.checkpoint();
        Checkpoint old = new Checkpoint(c.network(), c.trainerConfig(), c.codeVersion(), c.seed(), c.counters(),
                c.params(), c.buffers(), c.optimizer(), c.optimizerSlots(), c.optimizerState());
        store.save(old, l.jobConfig(), 2);
        assertEquals(null, store.newest().orElseThrow().checkpoint().data());
        assertEquals(6, store.newest().orElseThrow().checkpoint().counter("stepInEpoch", -1));

        ConfigException refused = assertThrows(ConfigException.class, () -> train(config("unrecorded"), true));
        assertEquals("train.resume.data", refused.key());
        assertTrue(refused.getMessage().contains("does not record which version of the data it trained on")
                && refused.getMessage().contains("train.resume.data=latest"), refused.getMessage());

        // 400 rows / (2 x 8) = 25 minibatches an epoch: from step 6 of epoch 1 to the start of epoch 2, then 25 more
        TrainJob.Result moved = train(config("unrecorded", "train.resume.data=latest"), true);
        assertEquals(6 + 25, moved.state().step());
        assertEquals(2, moved.state().epoch());
        assertEquals(400, store.newest().orElseThrow().checkpoint().data().rows(), "later checkpoints record their data");
    }
}
