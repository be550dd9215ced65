package io.sparkcnn.dataprep;

import io.sparkcnn.dataprep.readers.ImageNetReader;
import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.data.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Images per second per core, same files, same run: (1) this module's ImageNet job: JPEG decode,
 * shorter side 256, JPEG re-encode, Delta/Parquet shard write and manifest; (2) the decode + resize
 * + encode pipeline alone on one thread; (3) Spark's built-in {@code image} data source reading the
 * files (decode only, to a no-op sink) and (4) the same source written to Parquet. Medians of reps.
 */
@Command(name = "sparkcnn-prep-bench", mixinStandardHelpOptions = true)
public final class PrepBench implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "240", description = "synthetic ImageNet-style JPEGs (500x375, q90) to make")
    int images;
    @Option(names = "--dir", description = "use this ImageNet-layout root (train/<wnid>/*.JPEG) instead of generating")
    Path dir;
    @Option(names = "--reps", defaultValue = "3")
    int reps;
    @Option(names = "--cores", defaultValue = "2", description = "local[N]")
    int cores;
    @Option(names = "--work", defaultValue = "${java.io.tmpdir}/sparkcnn-prep-bench")
    Path work;
    @Option(names = "--generate-only", description = "make the --images JPEGs in WORK/imagenet (train/<wnid>/*.JPEG) and stop"
            + " (bench/feed-throughput shards them with the imagenet job)")
    boolean generateOnly;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PrepBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = dir != null ? dir : generate(work.resolve("imagenet"), images);
        if (generateOnly) {
            System.out.println("generated " + images + " ImageNet-layout JPEGs in " + root);
            return 0;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(root.resolve("train"))) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        System.out.printf("files: %d JPEGs, %.1f KB average, %d cores, %d reps%n", files.size(), bytes / 1024.0 / files.size(), cores, reps);
        SparkSession spark = SparkSessions.local("prep-bench", cores);
        spark.sparkContext().setLogLevel("WARN");
        double[] job = new double[reps];
        double[] pipe = new double[reps];
        double[] imgNoop = new double[reps];
        double[] imgParquet = new double[reps];
        ImagePipeline pipeline = new ImagePipeline(new ImageCodec(), ResizePolicy.shorterSide(256), EncodingPolicy.jpeg(90));
        for (int r = 0; r < reps; r++) {
            Path out = work.resolve("out-" + r + "-" + System.nanoTime());
            PrepOptions o = PrepOptions.defaults("imagenet", root.toUri().toString(), out.toUri().toString())
                    .withResize(ResizePolicy.shorterSide(256)).withEncoding(EncodingPolicy.jpeg(90));
            long t0 = System.nanoTime();
            PrepResult res = new PrepJob(spark, new ImageNetReader(), o).run();
            job[r] = perCore(res.rowsWritten(), t0, cores);

            t0 = System.nanoTime();
            for (Path f : files) {
                pipeline.process(Files.readAllBytes(f));
            }
            pipe[r] = perCore(files.size(), t0, 1);

            String glob = root.resolve("train").toUri() + "*/*.JPEG";
            t0 = System.nanoTime();
            spark.read().format("image").option("dropInvalid", true).load(glob).write().format("noop").mode("overwrite").save();
            imgNoop[r] = perCore(files.size(), t0, cores);

            t0 = System.nanoTime();
            spark.read().format("image").option("dropInvalid", true).load(glob).write().parquet(work.resolve("img-" + r + "-" + System.nanoTime()).toString());
            imgParquet[r] = perCore(files.size(), t0, cores);
            System.out.printf("rep %d: job %.1f, pipeline %.1f, image-source noop %.1f, image-source parquet %.1f images/s/core%n",
                    r, job[r], pipe[r], imgNoop[r], imgParquet[r]);
        }
        System.out.printf("MEDIAN images/s/core: sparkcnn job (decode+resize256+jpeg+shards+manifest) %.1f | pipeline alone, 1 thread %.1f"
                        + " | spark image source -> noop %.1f | spark image source -> parquet %.1f%n",
                median(job), median(pipe), median(imgNoop), median(imgParquet));
        spark.stop();
        return 0;
    }

    private static double perCore(long n, long t0, int cores) {
        return n / ((System.nanoTime() - t0) / 1e9) / cores;
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** ImageNet-like JPEGs: 500x375, textured (so they are ~100 KB like the real average), 10 wnids. */
    static Path generate(Path root, int n) throws IOException {
        Random rnd = new Random(7);
        List<String> wnids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            wnids.add(String.format("n%08d", 1440764 + i * 1111));
        }
        for (int i = 0; i < n; i++) {
            String w = wnids.get(i % wnids.size());
            Path f = root.resolve("train").resolve(w).resolve(w + "_" + i + ".JPEG");
            if (Files.exists(f)) {
                continue;
            }
            Files.createDirectories(f.getParent());
            byte[] p = new byte[500 * 375 * 3];
            int a = rnd.nextInt(256);
            for (int y = 0; y < 375; y++) {
                for (int x = 0; x < 500; x++) {
                    int k = (y * 500 + x) * 3;
                    int noise = rnd.nextInt(48);
                    p[k] = (byte) (a + x / 2 + noise);
                    p[k + 1] = (byte) (y / 2 + (x * y >> 7) + noise);
                    p[k + 2] = (byte) (((x ^ y) & 0x7f) + noise);
                }
            }
            Files.write(f, ImageCodec.encodeJpeg(new RgbImage(500, 375, p), 0.9f));
        }
        return root;
    }
}
