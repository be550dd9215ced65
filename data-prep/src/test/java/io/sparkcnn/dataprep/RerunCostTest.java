package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.readers.ImageFolderReader;
import io.sparkcnn.model.data.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a rerun skips: the ledger comes from the manifest while the table is at the manifest's version
 * (no Spark job), and VACUUM runs only when the table holds a file it could delete. Each shortcut must
 * give what the long way gives.
 */
class RerunCostTest extends SparkTestBase {
    @TempDir
    Path tmp;

    private static PrepResult run(Path in, Path out, long retainHours) throws java.io.IOException {
        PrepOptions o = PrepOptions.defaults("image-folder", in.toUri().toString(), out.toUri().toString())
                .withMaxRejectFraction(0.5);
        return new PrepJob(spark, new ImageFolderReader(), o).retainHours(retainHours).run();
    }

    private static Manifest manifest(Path out) throws Exception {
        return Manifest.read(Files.newInputStream(out.resolve(Manifest.FILE_NAME)));
    }

    /** Spark jobs started while the action runs (listener events arrive asynchronously: wait for the bus). */
    private static <T> T countingJobs(AtomicInteger jobs, java.util.function.Supplier<T> action) {
        SparkListener l = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart e) {
                jobs.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(l);
        try {
            T t = action.get();
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(e);
            }
            return t;
        } finally {
            spark.sparkContext().removeSparkListener(l);
        }
    }

    @Test
    void theLedgerComesFromTheManifestOnlyWhileItDescribesBothTables() throws Exception {
        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        for (int i = 0; i < 3; i++) {
            Fixtures.put(in, (i % 2 == 0 ? "cat/" : "dog/") + i + ".jpg", Fixtures.jpeg(16, 16, i));
        }
        Files.write(in.resolve("dog/bad.jpg"), new byte[] {1, 2, 3}); // a unit that is only a reject
        run(in, out, PrepJob.DEFAULT_RETAIN_HOURS);
        ShardTable table = new ShardTable(spark, out.toUri().toString());
        long seq = table.lastRunSeq();
        Manifest m = manifest(out);
        Map<String, String> scanned = new TreeMap<>(table.ledger(seq));
        assertEquals(4, scanned.size(), "rows and rejects: " + scanned);

        AtomicInteger jobs = new AtomicInteger();
        Map<String, String> fromManifest = countingJobs(jobs, () -> new TreeMap<>(table.ledgerRecordedIn(m).orElseThrow()));
        assertEquals(scanned, fromManifest);
        assertEquals(0, jobs.get(), "a ledger read from the manifest starts no Spark job");

        // a commit to either table since the manifest: it no longer describes them and is not used
        Manifest.Ledger l = m.ledger();
        assertTrue(l.rejectsTableVersion() >= 0, "the run left a rejects table");
        spark.sql("ALTER TABLE delta.`" + table.rejectsPath() + "` SET TBLPROPERTIES ('sparkcnn.test' = 'moved')");
        assertTrue(table.ledgerRecordedIn(m).isEmpty(), "the rejects table moved on");
        spark.sql("ALTER TABLE delta.`" + table.shardsPath() + "` SET TBLPROPERTIES ('sparkcnn.test' = 'moved')");
        Manifest sameRejects = new Manifest(m.formatVersion(), m.dataset(), m.task(), m.createdAt(), m.tableVersion(), m.runSeq(),
                m.config(), m.classes(), m.splits(), m.stats(), m.shards(), m.sources(), m.rejects(),
                new Manifest.Ledger(table.rejectsVersion(), l.units()));
        assertTrue(table.ledgerRecordedIn(sameRejects).isEmpty(), "the shard table moved on");

        // and a rerun over the moved table finds nothing to do and rewrites the manifest
        PrepResult again = run(in, out, PrepJob.DEFAULT_RETAIN_HOURS);
        assertTrue(again.message().startsWith("nothing to do"), again.message());
        assertEquals(table.version(), manifest(out).tableVersion());
        Manifest rewritten = manifest(out);
        assertEquals(scanned, new TreeMap<>(rewritten.ledger().units()));
        assertEquals(scanned, new TreeMap<>(table.ledgerRecordedIn(rewritten).orElseThrow()));
    }

    @Test
    void vacuumRunsOnlyWhenATableHoldsAFileItWouldDelete() throws Exception {
        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        Fixtures.put(in, "cat/0.jpg", Fixtures.jpeg(16, 16, 0));
        Fixtures.put(in, "dog/1.jpg", Fixtures.jpeg(16, 16, 1));
        run(in, out, PrepJob.DEFAULT_RETAIN_HOURS);
        Path changed = in.resolve("cat/0.jpg");
        Files.write(changed, Fixtures.jpeg(20, 20, 7));
        Files.setLastModifiedTime(changed, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        run(in, out, PrepJob.DEFAULT_RETAIN_HOURS);

        TableHousekeeping hk = new TableHousekeeping(spark, spark.sparkContext().hadoopConfiguration());
        String shards = out.toUri().toString();
        long files = partFiles(out);
        assertFalse(hk.hasVacuumableFiles(shards, PrepJob.DEFAULT_RETAIN_HOURS), "the replaced file is within the retention");
        assertFalse(hk.vacuum(shards, PrepJob.DEFAULT_RETAIN_HOURS));
        assertEquals(files, partFiles(out));

        assertTrue(hk.hasVacuumableFiles(shards, 0), "with no retention the replaced file may go");
        hk.applyRetention(java.util.List.of(shards), 0);
        assertTrue(hk.vacuum(shards, 0));
        long live = new ShardTable(spark, shards).files().size();
        assertTrue(live < files, live + " live of " + files);
        assertEquals(live, partFiles(out), "VACUUM left exactly the current version's files");
        assertFalse(hk.hasVacuumableFiles(shards, 0), "nothing left to remove");
    }

    private static long partFiles(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
    }
}
