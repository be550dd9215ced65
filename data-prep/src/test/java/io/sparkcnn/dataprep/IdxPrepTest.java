package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkcnn.dataprep.readers.IdxReader;
import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ShardSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** idx (MNIST layout): synthetic files with defects, the real Fashion-MNIST, and the CLI's exit codes. */
class IdxPrepTest extends SparkTestBase {
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path tmp;

    @Test
    void syntheticIdxWithTruncatedTestFile() throws Exception {
        Path in = tmp.resolve("mnist");
        Fixtures.put(in, "train-images-idx3-ubyte.gz", Fixtures.idxImages(50, 28, 28, 1, true));
        Fixtures.put(in, "train-labels-idx1-ubyte.gz", Fixtures.idxLabels(50, 10, 2, true));
        byte[] test = Fixtures.idxImages(20, 28, 28, 3, false);
        Fixtures.put(in, "t10k-images-idx3-ubyte", Arrays.copyOf(test, test.length - 28 * 28 * 5 - 100)); // 14 whole images
        Fixtures.put(in, "t10k-labels-idx1-ubyte", Fixtures.idxLabels(20, 10, 4, false));
        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("mnist", in.toUri().toString(), out).withEncoding(EncodingPolicy.RAW)
                .withMaxRejectFraction(0.1);
        PrepResult r = new PrepJob(spark, new IdxReader(IdxReader.DIGITS), o).run();
        assertEquals(64, r.rowsWritten());
        List<Row> rejects = new ShardTable(spark, out).readRejects().orderBy(RejectSchema.SOURCE).collectAsList();
        // record 14 is cut off inside its image; labels 15..19 have no image left: each is its own reject
        assertEquals(6, rejects.size(), rejects.toString());
        assertEquals("t10k-images-idx3-ubyte#14", rejects.get(0).getAs(RejectSchema.SOURCE));
        assertTrue(rejects.get(0).<String>getAs(RejectSchema.REASON).contains("truncated"), rejects.toString());
        for (int i = 15; i < 20; i++) {
            assertEquals("t10k-labels-idx1-ubyte#" + i, rejects.get(i - 14).getAs(RejectSchema.SOURCE));
            assertTrue(rejects.get(i - 14).<String>getAs(RejectSchema.REASON).contains("has no image"), rejects.toString());
        }
        Row first = new ShardTable(spark, out).readShards().where("key = 'train-images-idx3-ubyte.gz#0'").first();
        assertEquals(1, (int) first.getAs(ShardSchema.CHANNELS));
        assertEquals(28 * 28, first.<byte[]>getAs(ShardSchema.IMAGE).length);
        assertEquals(ShardSchema.ENC_RAW, first.getAs(ShardSchema.ENCODING));
    }

    @Test
    void realFashionMnistFromTheDebianPackage() throws Exception {
        assumeTrue(Files.isDirectory(FASHION), "Fashion-MNIST not installed: apt-get install dataset-fashion-mnist "
                + "(files expected under " + FASHION + "); this test is skipped only when the package is absent");
        String out = tmp.resolve("fashion").toUri().toString();
        PrepOptions o = PrepOptions.defaults("fashion-mnist", FASHION.toUri().toString(), out).withTargetShardBytes(8L << 20);
        PrepResult r = new PrepJob(spark, new IdxReader(IdxReader.FASHION), o).run();
        assertEquals(70_000, r.rowsWritten());
        assertEquals(0, r.rejects());
        Manifest m = Manifest.read(Files.newInputStream(tmp.resolve("fashion").resolve(Manifest.FILE_NAME)));
        assertEquals(60_000, m.splits().get("train").rows());
        assertEquals(10_000, m.splits().get("test").rows());
        for (int c = 0; c < 10; c++) {
            assertEquals(6000L, m.splits().get("train").perClass().get(c));
            assertEquals(1000L, m.splits().get("test").perClass().get(c));
        }
        // published Fashion-MNIST train statistics: mean 0.2860, std 0.3530
        assertEquals(0.2860, m.stats().get("train").mean()[0], 5e-4);
        assertEquals(0.3530, m.stats().get("train").std()[0], 5e-4);
        assertEquals("Ankle boot", m.classes().get(9));
        assertTrue(m.shards().size() >= 2, "8 MB target gives several shards");
        Row r0 = new ShardTable(spark, out).readShards().where("key = 't10k-images-idx3-ubyte.gz#0'").first();
        assertEquals(9, (int) r0.getAs(ShardSchema.LABEL)); // the first test image is an ankle boot
        assertEquals(28, new ImageCodec().decodeGray(r0.getAs(ShardSchema.IMAGE)).width());
    }

    @Test
    void cliExitCodesAndNothingToDo() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String out = tmp.resolve("cli-out").toUri().toString();
        assertEquals(PrepException.INPUT, PrepCli.run("mnist", empty.toUri().toString(), out));
        assertEquals(PrepException.INPUT, PrepCli.run("mnist", tmp.resolve("missing").toUri().toString(), out));
        assertEquals(PrepException.INPUT, PrepCli.run("mnist", empty.toUri().toString(), out, "--resize", "zoom:3"));
        assertEquals(PrepException.INPUT, PrepCli.run("no-such-kind", empty.toUri().toString(), out));

        Path in = tmp.resolve("cli-in");
        Fixtures.put(in, "train-images-idx3-ubyte", Fixtures.idxImages(10, 8, 8, 1, false));
        Fixtures.put(in, "train-labels-idx1-ubyte", Fixtures.idxLabelsOf(10, 11, 0, 1, 2, 3, 4, 5, 6, 7)); // 10, 11 invalid
        // exit 3 names the setting that decides it and the value that would accept these rejects (2 of 10)
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            assertEquals(PrepException.TOO_MANY_REJECTS, PrepCli.run("mnist", in.toUri().toString(), out));
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(err.toString().contains("more than --max-reject-fraction 0.01 allows"), err.toString());
        assertTrue(err.toString().contains("accept these rejects with --max-reject-fraction 0.2"), err.toString());
        assertEquals(0, PrepCli.run("mnist", in.toUri().toString(), out, "--max-reject-fraction", "0.9"));
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            assertEquals(0, PrepCli.run("mnist", in.toUri().toString(), out, "--max-reject-fraction", "0.9"));
        } finally {
            System.setOut(old);
        }
        assertTrue(captured.toString().contains("nothing to do"), captured.toString());
    }
}
