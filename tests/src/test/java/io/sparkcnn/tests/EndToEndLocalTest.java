package io.sparkcnn.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.dataprep.PrepCli;
import io.sparkcnn.jobs.cli.SparkCnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's pipeline on a slice of the real Fashion-MNIST (Debian's dataset-fashion-mnist):
 * data-prep shards the idx files, then the jobs' CLI trains the widened LeNet-5 with 2 workers in local
 * mode from conf/fashion-mnist-lenet.conf, evaluates and predicts, all on file://.
 */
class EndToEndLocalTest {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path tmp;

    /** The first n records of an idx .gz file (header counts rewritten). */
    private static void slice(Path from, Path to, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(from)));
             DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(to)))) {
            int magic = in.readInt();
            int dims = magic & 0xff;
            out.writeInt(magic);
            in.readInt();
            out.writeInt(n);
            int recordBytes = 1;
            for (int d = 1; d < dims; d++) {
                int size = in.readInt();
                out.writeInt(size);
                recordBytes *= size;
            }
            out.write(in.readNBytes(recordBytes * n));
        }
    }

    @Test
    void prepTrainEvaluatePredictThroughTheCommandLines() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("fashion"));
        slice(FASHION.resolve("train-images-idx3-ubyte.gz"), idx.resolve("train-images-idx3-ubyte.gz"), 3000);
        slice(FASHION.resolve("train-labels-idx1-ubyte.gz"), idx.resolve("train-labels-idx1-ubyte.gz"), 3000);
        slice(FASHION.resolve("t10k-images-idx3-ubyte.gz"), idx.resolve("t10k-images-idx3-ubyte.gz"), 500);
        slice(FASHION.resolve("t10k-labels-idx1-ubyte.gz"), idx.resolve("t10k-labels-idx1-ubyte.gz"), 500);
        String shards = tmp.resolve("shards").toUri().toString();
        assertEquals(0, PrepCli.run("fashion-mnist", idx.toUri().toString(), shards, "--local", "2"));

        String run = tmp.resolve("run").toUri().toString();
        String[] common = {"--config", "../conf/fashion-mnist-lenet.conf", "--set", "data.path=" + shards,
                "--set", "run.dir=" + run, "--set", "backend.kind=cpu", "--set", "train.progress=off"};
        String[] train = concat(new String[] {"train"}, common, new String[] {"--set", "train.epochs=2",
                "--set", "train.batchSizePerWorker=32", "--set", "trainer.schedule=constant"});
        assertEquals(0, SparkCnn.execute(train));
        assertEquals(0, SparkCnn.execute(concat(new String[] {"evaluate"}, common)));
        assertEquals(0, SparkCnn.execute(concat(new String[] {"predict"}, common)));

        Path checkpoint;
        try (Stream<Path> dirs = Files.list(tmp.resolve("run/checkpoints"))) {
            checkpoint = dirs.sorted().reduce((a, b) -> b).orElseThrow();
        }
        // 3000 rows / (2 x 32) = 46 minibatches per epoch
        assertTrue(checkpoint.getFileName().toString().endsWith("000000000092"), checkpoint.toString());
        JsonNode report = new ObjectMapper().readTree(checkpoint.resolve("evaluation-test.json").toFile());
        assertEquals(500, report.get("examples").asLong());
        assertTrue(report.get("top1").asDouble() > 0.6, report.toString());
        assertEquals(10, report.get("confusion").size());
        assertEquals("T-shirt/top", report.get("classNames").get("0").asText());
        try (Stream<Path> files = Files.list(checkpoint.resolve("predictions-test"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")));
        }
    }

    private static String[] concat(String[]... parts) {
        return Stream.of(parts).flatMap(Stream::of).toArray(String[]::new);
    }
}
