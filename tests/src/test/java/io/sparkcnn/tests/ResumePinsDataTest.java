package io.sparkcnn.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.sparkcnn.dataprep.PrepJob;
import io.sparkcnn.dataprep.PrepOptions;
import io.sparkcnn.dataprep.PrepResult;
import io.sparkcnn.dataprep.SparkSessions;
import io.sparkcnn.dataprep.readers.ImageFolderReader;
import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.TinyShards;
import io.sparkcnn.jobs.TrainJob;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.ShardTableVersions;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.data.EncodingPolicy;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A resume after data-prep committed again (the hourly schedule of deploy/prep): the run
 * continues on the shard table version its checkpoint trained on, by Delta time travel, and
 * lands on the bits of a run that was never stopped; a version removed by VACUUM is refused
 * naming both versions; {@code train.resume.data=latest} moves the run to the new rows at a
 * new epoch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumePinsDataTest {
    private static final int CLASSES = TinyShards.CLASSES;
    private static final int SIZE = TinyShards.SIZE;

    @TempDir
    static Path tmp;
    private SparkSession spark;
    private Path network;

    @BeforeAll
    void start() throws IOException {
        // data-prep's commits need Delta's SQL extension; the jobs' reads work with or without it
        spark = SparkSessions.withDelta(SparkSession.builder()).master("local[2]").appName("ResumePinsDataTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, TinyShards.networkConfig());
    }

    @AfterAll
    void stop() {
        if (spark != null) spark.stop();
        io.sparkcnn.jobs.train.ReplicaPool.shared().clear();
    }

    /** A PNG of class c: quadrant c lit, with noise drawn from i. */
    private static void image(Path folder, int c, int i) throws IOException {
        SplittableRandom r = new SplittableRandom(c * 1000L + i);
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int quadrant = (y < SIZE / 2 ? 0 : 2) + (x < SIZE / 2 ? 0 : 1);
                int v = (quadrant == c ? 170 : 40) + r.nextInt(60);
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        Path f = folder.resolve("c" + c).resolve(i + ".png");
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
    }

    /** Images first..first+perClass-1 of every class. */
    private static void images(Path folder, int first, int perClass) throws IOException {
        for (int c = 0; c < CLASSES; c++) for (int i = first; i < first + perClass; i++) image(folder, c, i);
    }

    private PrepResult prep(Path in, String out) throws IOException {
        return new PrepJob(spark, new ImageFolderReader(),
                PrepOptions.defaults("image-folder", in.toUri().toString(), out).withEncoding(EncodingPolicy.PNG)).run();
    }

    private JobConfig config(String data, String run, String... more) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + tmp.resolve(run).toUri(), "data.path=" + data, "model.file=" + network,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=4",
                "train.averagingFrequency=2", "train.epochs=2", "train.checkpointEvery=1", "train.keepCheckpoints=2",
                "trainer.learningRate=0.05", "trainer.momentum=0.9", "backend.kind=cpu", "data.shuffleBlockRows=8",
                "augment.padCrop=1", "train.evaluateAtEnd=false", "train.progress=off"));
        o.addAll(List.of(more));
        return JobConfig.load(null, o);
    }

    private TrainJob.Result train(JobConfig cfg, boolean resume) {
        return TrainJob.run(spark, JobPlan.prepare(cfg, spark.sparkContext().hadoopConfiguration()), resume);
    }

    private Checkpoint newest(String run) {
        return new CheckpointStore(tmp.resolve(run).toUri().toString(), spark.sparkContext().hadoopConfiguration())
                .newest().orElseThrow().checkpoint();
    }

    @Test
    void aResumeAfterPrepAddedRowsContinuesOnItsVersionBitForBit() throws IOException {
        Path in = tmp.resolve("images");
        String data = tmp.resolve("shards").toUri().toString();
        images(in, 0, 12); // 48 rows: 2 workers x batch 4 -> 6 minibatches per epoch, 3 rounds of k = 2
        long first = prep(in, data).tableVersion();

        TrainJob.Result whole = train(config(data, "whole"), false);
        assertEquals(12, whole.state().step());
        assertEquals(first, newest("whole").data().tableVersion());
        assertEquals(48, newest("whole").data().rows());
        train(config(data, "parts", "train.maxRounds=2"), false);
        TrainJob.Result stopped = train(config(data, "moved", "train.maxRounds=2"), false);
        assertEquals(4, stopped.state().stepInEpoch(), "stopped inside epoch 1");

        images(in, 12, 4); // the hourly prep adds 16 rows: a new table version, new statistics
        PrepResult added = prep(in, data);
        assertEquals(16, added.rowsWritten());
        assertTrue(added.tableVersion() > first, added.message());

        TrainJob.Result resumed = train(config(data, "parts"), true);
        assertEquals(12, resumed.state().step());
        assertArrayEquals(newest("whole").params(), newest("parts").params(),
                "the resumed run trained on the rows (and statistics) of its version");
        assertEquals(newest("whole").data(), newest("parts").data());

        // latest: the new rows from the start of epoch 2 (64 rows: 8 minibatches), logged in the metrics
        TrainJob.Result moved = train(config(data, "moved", "train.resume.data=latest"), true);
        assertEquals(4 + 8, moved.state().step());
        assertEquals(2, moved.state().epoch());
        assertEquals(added.tableVersion(), newest("moved").data().tableVersion());
        assertEquals(64, newest("moved").data().rows());
        JsonNode firstResumed = new ObjectMapper().readTree(
                Files.readAllLines(tmp.resolve("moved/metrics/rounds-000000000003.jsonl")).get(0));
        assertEquals(2, firstResumed.get("epoch").asInt(), "a new epoch (1-based in the metrics)");
        assertEquals(0, firstResumed.get("stepInEpoch").asInt());
    }

    @Test
    void aResumeWhoseVersionWasVacuumedIsRefusedNamingBothVersions() throws IOException {
        Path in = tmp.resolve("images-vacuum");
        String data = tmp.resolve("shards-vacuum").toUri().toString();
        images(in, 0, 12);
        long first = prep(in, data).tableVersion();
        train(config(data, "vacuumed", "train.maxRounds=2"), false);
        int checkpoints = new CheckpointStore(tmp.resolve("vacuumed").toUri().toString(),
                spark.sparkContext().hadoopConfiguration()).list().size();

        // a changed image makes prep rewrite the shard holding it: version `first`'s file leaves the table
        Path changed = in.resolve("c1/3.png");
        image(tmp.resolve("other-images"), 1, 999);
        Files.move(tmp.resolve("other-images/c1/999.png"), changed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(changed, FileTime.fromMillis(Files.getLastModifiedTime(changed).toMillis() + 5000));
        assertEquals(1, prep(in, data).unitsChanged());
        try {
            ShardTableVersions.shardsAt(spark, data, first, spark.sparkContext().hadoopConfiguration());
        } catch (ShardTableVersions.VersionGoneException e) {
            throw new AssertionError("before VACUUM the old version is still readable", e);
        }

        spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
        // VACUUM lists the table in 200 (and 10,000) partitions by default: a minute of empty tasks here
        spark.conf().set("spark.databricks.delta.vacuum.fileListing.parallelism", "2");
        spark.conf().set("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2");
        DeltaTable.forPath(spark, data).vacuum(0);
        long now = ShardTableVersions.currentVersion(spark, data);
        ConfigException refused = assertThrows(ConfigException.class, () -> train(config(data, "vacuumed"), true));
        assertEquals("train.resume.data", refused.key());
        String m = refused.getMessage();
        assertTrue(m.contains("version " + first + " of the shard table") && m.contains("now at version " + now)
                && m.contains("VACUUM removed its files") && m.contains("train.resume.data=latest"), m);
        assertEquals(checkpoints, new CheckpointStore(tmp.resolve("vacuumed").toUri().toString(),
                spark.sparkContext().hadoopConfiguration()).list().size(), "nothing written");
        assertTrue(Files.notExists(tmp.resolve("vacuumed/metrics/rounds-000000000003.jsonl")), "no metrics file started");
    }
}
