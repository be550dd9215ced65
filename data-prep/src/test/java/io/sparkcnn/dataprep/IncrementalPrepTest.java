package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.readers.ImageFolderReader;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental, idempotent and atomic runs on a generic image folder. */
class IncrementalPrepTest extends SparkTestBase {
    @TempDir
    Path tmp;

    private PrepResult run(Path in, Path out) throws IOException {
        return new PrepJob(spark, new ImageFolderReader(), opts(in, out)).run();
    }

    private static PrepOptions opts(Path in, Path out) {
        return PrepOptions.defaults("image-folder", in.toUri().toString(), out.toUri().toString())
                .withEncoding(io.sparkcnn.model.data.EncodingPolicy.PNG).withMaxRejectFraction(0.3);
    }

    @Test
    void addChangeAndDeleteGiveTheSameResultAsOneRunOverEverything() throws Exception {
        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        Fixtures.put(in, "cat/1.jpg", Fixtures.jpeg(20, 16, 1));
        Fixtures.put(in, "cat/2.jpg", Fixtures.jpeg(20, 16, 2));
        Fixtures.put(in, "dog/1.jpg", Fixtures.jpeg(16, 20, 3));
        Fixtures.put(in, "dog/bad.jpg", new byte[0]);
        PrepResult r1 = run(in, out);
        assertEquals(3, r1.rowsWritten());
        assertEquals(1, r1.rejects());

        PrepResult again = run(in, out);
        assertTrue(again.nothingToDo(), again.message());
        assertTrue(again.message().startsWith("nothing to do"), again.message());
        assertEquals(r1.tableVersion(), again.tableVersion(), "unchanged input writes nothing");

        Fixtures.put(in, "dog/2.png", Fixtures.png(18, 18, 4));
        PrepResult r2 = run(in, out);
        assertEquals(1, r2.unitsNew());
        assertEquals(0, r2.unitsChanged());
        assertEquals(1, r2.rowsWritten(), "only the new file is processed");
        for (Row r : new ShardTable(spark, out.toUri().toString()).readShards().collectAsList()) {
            String key = r.getAs(ShardSchema.KEY);
            long seq = r.getAs(ShardSchema.RUN_SEQ);
            assertEquals(key.equals("dog/2.png") ? 2L : 1L, seq, key);
        }

        // a new class folder shifts the sorted class indices: every unit whose label changed is redone
        Fixtures.put(in, "bird/1.jpg", Fixtures.gray16PngAsRgbJpeg());
        PrepResult r2b = run(in, out);
        assertEquals(1, r2b.unitsNew());
        assertEquals(5, r2b.unitsChanged(), r2b.message());

        Path changed = in.resolve("cat/2.jpg");
        Files.write(changed, Fixtures.jpeg(24, 24, 99));
        Files.setLastModifiedTime(changed, FileTime.fromMillis(Files.getLastModifiedTime(changed).toMillis() + 5000));
        Files.delete(in.resolve("dog/1.jpg"));
        Files.write(in.resolve("dog/bad.jpg"), Fixtures.jpeg(10, 10, 5)); // the bad file got fixed
        PrepResult r3 = run(in, out);
        assertEquals(2, r3.unitsChanged());
        assertEquals(1, r3.unitsDeleted());
        Row cat2 = new ShardTable(spark, out.toUri().toString()).readShards().where("key = 'cat/2.jpg'").collectAsList().get(0);
        assertEquals(24, (int) cat2.getAs(ShardSchema.WIDTH), "changed file's row replaced");
        assertEquals(0, new ShardTable(spark, out.toUri().toString()).readRejects().count(), "fixed file's reject is gone");

        Path fresh = tmp.resolve("fresh");
        run(in, fresh);
        Set<String> incremental = content(out.toUri().toString(), true);
        assertEquals(content(fresh.toUri().toString(), true), incremental);
        assertEquals(5, incremental.size());
        // labels: sorted class folders bird(0), cat(1), dog(2) in both
        assertTrue(incremental.stream().anyMatch(s -> s.startsWith("bird/1.jpg|train|0|")), incremental.toString());

        Manifest m = Manifest.read(Files.newInputStream(out.resolve(Manifest.FILE_NAME)));
        Manifest f = Manifest.read(Files.newInputStream(fresh.resolve(Manifest.FILE_NAME)));
        assertEquals(f.splits(), m.splits());
        assertEquals(Task.CLASSIFICATION, m.task());
        assertEquals(5, m.sources().size());
        assertArrayEquals(f.stats().get("train").mean(), m.stats().get("train").mean(), 1e-9);
        assertEquals(new ShardTable(spark, out.toUri().toString()).version(), m.tableVersion());
    }

    /** A reader whose executor work dies (like a killed job) when a file named crash.jpg is present. */
    static final class CrashingReader implements DatasetReader {
        private final ImageFolderReader inner = new ImageFolderReader();

        @Override
        public Task task() {
            return Task.CLASSIFICATION;
        }

        @Override
        public List<SourceUnit> list(DatasetFs fs) throws IOException {
            return inner.list(fs);
        }

        @Override
        public Map<Integer, String> classes(DatasetFs fs) throws IOException {
            return inner.classes(fs);
        }

        @Override
        public void process(SourceUnit unit, DatasetFs fs, ImagePipeline p, PrepOptions o, Emitter out) {
            if (unit.id().endsWith("crash.jpg")) {
                throw new Error("simulated executor death");
            }
            inner.process(unit, fs, p, o, out);
        }
    }

    @Test
    void failedRunsLeaveThePreviousOutputIntactAndTheNextRunCompletes() throws Exception {
        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        Fixtures.put(in, "a/1.jpg", Fixtures.jpeg(16, 16, 1));
        Fixtures.put(in, "b/1.jpg", Fixtures.jpeg(16, 16, 2));
        run(in, out);
        String outUri = out.toUri().toString();
        long version = new ShardTable(spark, outUri).version();
        byte[] manifest = Files.readAllBytes(out.resolve(Manifest.FILE_NAME));
        Set<String> before = content(outUri, true);

        Fixtures.put(in, "a/2.jpg", Fixtures.jpeg(16, 16, 3));
        Fixtures.put(in, "a/crash.jpg", Fixtures.jpeg(16, 16, 4));
        assertThrows(Exception.class, () -> new PrepJob(spark, new CrashingReader(), opts(in, out)).run());
        assertEquals(version, new ShardTable(spark, outUri).version());
        assertArrayEquals(manifest, Files.readAllBytes(out.resolve(Manifest.FILE_NAME)));
        assertEquals(before, content(outUri, true));

        // too many rejects: exit code 3, shards untouched, rejects of the failed run hidden
        for (int i = 0; i < 4; i++) {
            Fixtures.put(in, "b/broken" + i + ".jpg", Fixtures.truncated(Fixtures.jpeg(64, 64, 10 + i)));
        }
        PrepException e = assertThrows(PrepException.class, () -> run(in, out));
        assertEquals(PrepException.TOO_MANY_REJECTS, e.exitCode());
        assertTrue(e.getMessage().contains("maxRejectFraction"), e.getMessage());
        assertEquals(before, content(outUri, true));
        assertEquals(0, new ShardTable(spark, outUri).readRejects().count());

        for (int i = 0; i < 4; i++) {
            Files.delete(in.resolve("b/broken" + i + ".jpg"));
        }
        PrepResult done = run(in, out);
        assertFalse(done.nothingToDo());
        assertEquals(2, done.unitsNew());
        Path fresh = tmp.resolve("fresh");
        run(in, fresh);
        assertEquals(content(fresh.toUri().toString(), true), content(outUri, true));
        assertEquals(0, new ShardTable(spark, outUri).readRejects().count());
    }

    /** Every row of the {@code _rejects} Delta table as a reader that is not ShardTable sees it: source|run_seq. */
    private static List<String> rawRejects(Path out) {
        if (!Files.isDirectory(out.resolve(ShardTable.REJECTS_DIR))) {
            return List.of();
        }
        return spark.read().format("delta").load(out.resolve(ShardTable.REJECTS_DIR).toUri().toString())
                .select(io.sparkcnn.model.data.RejectSchema.SOURCE, io.sparkcnn.model.data.RejectSchema.RUN_SEQ)
                .collectAsList().stream().map(r -> r.getString(0) + "|" + r.getLong(1)).sorted().toList();
    }

    private static PrepResult run(Path in, Path out, double maxRejectFraction) throws IOException {
        return new PrepJob(spark, new ImageFolderReader(), opts(in, out).withMaxRejectFraction(maxRejectFraction)).run();
    }

    @Test
    void aRunStoppedByTheRejectThresholdLeavesNoRejectsAndItsRetryWritesEachOnce() throws Exception {
        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        Fixtures.put(in, "a/1.jpg", Fixtures.jpeg(16, 16, 1));
        Fixtures.put(in, "b/1.jpg", Fixtures.jpeg(16, 16, 2));
        for (int i = 0; i < 3; i++) {
            Fixtures.put(in, "b/broken" + i + ".jpg", Fixtures.truncated(Fixtures.jpeg(64, 64, 10 + i)));
        }
        PrepException e = assertThrows(PrepException.class, () -> run(in, out, 0.1));
        assertEquals(PrepException.TOO_MANY_REJECTS, e.exitCode());
        assertTrue(e.getMessage().contains(ShardTable.FAILED_REJECTS_DIR), e.getMessage());
        assertEquals(List.of(), rawRejects(out), "no rejects of an uncommitted run in _rejects");
        assertEquals(3, spark.read().parquet(out.resolve(ShardTable.FAILED_REJECTS_DIR).toUri().toString()).count(),
                "the failed run's rejects are kept aside for inspection");

        PrepResult r1 = run(in, out, 0.9);
        assertEquals(3, r1.rejects());
        assertEquals(List.of("b/broken0.jpg|1", "b/broken1.jpg|1", "b/broken2.jpg|1"), rawRejects(out));
        assertFalse(Files.exists(out.resolve(ShardTable.FAILED_REJECTS_DIR)), "removed by the committed run");

        // the same on a table that already has a committed run: stop at run 2, retry run 2
        Fixtures.put(in, "a/2.jpg", Fixtures.jpeg(16, 16, 3));
        Fixtures.put(in, "a/broken.jpg", new byte[0]);
        assertThrows(PrepException.class, () -> run(in, out, 0.1));
        assertEquals(List.of("b/broken0.jpg|1", "b/broken1.jpg|1", "b/broken2.jpg|1"), rawRejects(out));
        run(in, out, 0.9);
        assertEquals(List.of("a/broken.jpg|2", "b/broken0.jpg|1", "b/broken1.jpg|1", "b/broken2.jpg|1"), rawRejects(out));
        assertTrue(run(in, out, 0.9).nothingToDo());
    }

    @Test
    void aRunKilledBetweenTheShardAndTheRejectsCommitIsRedoneByTheNextRun() throws Exception {
        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        Fixtures.put(in, "a/1.jpg", Fixtures.jpeg(16, 16, 1));
        Fixtures.put(in, "b/broken.jpg", new byte[0]);
        run(in, out, 0.9);
        Fixtures.put(in, "a/2.jpg", Fixtures.jpeg(16, 16, 2));
        Fixtures.put(in, "b/broken2.jpg", new byte[0]);
        Files.write(in.resolve("a/1.jpg"), Fixtures.jpeg(20, 20, 3));
        Files.setLastModifiedTime(in.resolve("a/1.jpg"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        run(in, out, 0.9);
        // the state a kill right after the shard commit of run 2 leaves: the rejects table's last commit never happened
        Path log = out.resolve(ShardTable.REJECTS_DIR).resolve("_delta_log");
        String last;
        try (var files = Files.list(log)) {
            last = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        String prefix = last.substring(0, last.length() - ".json".length()) + ".";
        try (var files = Files.list(log)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    || f.getFileName().toString().startsWith("." + prefix)).toList()) {
                Files.delete(f);
            }
        }
        assertEquals(List.of("b/broken.jpg|1"), rawRejects(out));

        PrepResult redo = run(in, out, 0.9);
        assertFalse(redo.nothingToDo(), "run 2's units are redone");
        Path fresh = tmp.resolve("fresh");
        run(in, fresh, 0.9);
        assertEquals(content(fresh.toUri().toString(), true), content(out.toUri().toString(), true));
        assertEquals(List.of("b/broken.jpg|1", "b/broken2.jpg|3"), rawRejects(out));
        assertTrue(run(in, out, 0.9).nothingToDo());
    }
}
