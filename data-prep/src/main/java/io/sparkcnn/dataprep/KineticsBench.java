package io.sparkcnn.dataprep;

import io.sparkcnn.dataprep.readers.KineticsReader;
import io.sparkcnn.dataprep.readers.VideoClips;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Clips per second for Kinetics-style decode of 16 frames (sibling of {@link PrepBench}): synthetic
 * Kinetics-like clips (H.264 High profile MP4, 10 s at 25 fps, 640x360 by default) in the published
 * layout; (1) {@link VideoClips#sample} alone on one thread (FFmpeg decode up to the last sampled frame,
 * RGB conversion of the 16 sampled frames, shorter side 128 + centre crop 112) and (2) the whole
 * {@code kinetics} prep job (decode + raw THWC shards + manifest) on local[N], per core. Medians of reps.
 */
@Command(name = "sparkcnn-kinetics-bench", mixinStandardHelpOptions = true)
public final class KineticsBench implements Callable<Integer> {
    @Option(names = "--clips", defaultValue = "16")
    int clips;
    @Option(names = "--seconds", defaultValue = "10")
    int seconds;
    @Option(names = "--width", defaultValue = "640")
    int width;
    @Option(names = "--height", defaultValue = "360")
    int height;
    @Option(names = "--frames", defaultValue = "16")
    int frames;
    @Option(names = "--reps", defaultValue = "3")
    int reps;
    @Option(names = "--cores", defaultValue = "2", description = "local[N]")
    int cores;
    @Option(names = "--work", defaultValue = "${java.io.tmpdir}/sparkcnn-kinetics-bench")
    Path work;

    public static void main(String[] args) {
        System.exit(new CommandLine(new KineticsBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = work.resolve(String.format(Locale.ROOT, "k-%d-%dx%d-%ds", clips, width, height, seconds));
        List<Path> files = generate(root);
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        System.out.printf("clips: %d H.264 MP4, %dx%d, %d s at 25 fps, %.0f KB average; %d frames sampled; %d cores; %d reps%n",
                files.size(), width, height, seconds, bytes / 1024.0 / files.size(), frames, cores, reps);
        SparkSession spark = SparkSessions.local("kinetics-bench", cores);
        spark.sparkContext().setLogLevel("WARN");
        PrepOptions base = PrepOptions.defaults("kinetics", root.toUri().toString(), "").withFrames(frames);
        double[] alone = new double[reps];
        double[] job = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (Path f : files) {
                VideoClips.sample(Files.readAllBytes(f), frames, base.resize(), base.maxPixels(), base.maxSide());
            }
            alone[r] = files.size() / ((System.nanoTime() - t0) / 1e9);

            Path out = work.resolve("out-" + r + "-" + System.nanoTime());
            t0 = System.nanoTime();
            PrepResult res = new PrepJob(spark, new KineticsReader(), base.withOutput(out.toUri().toString())).run();
            job[r] = res.rowsWritten() / ((System.nanoTime() - t0) / 1e9) / cores;
            if (res.rowsWritten() != files.size()) {
                throw new IllegalStateException("expected " + files.size() + " rows, got " + res.message());
            }
            System.out.printf("rep %d: decode+sample alone, 1 thread %.2f clips/s | prep job %.2f clips/s/core%n", r, alone[r], job[r]);
        }
        System.out.printf("MEDIAN clips/s (decode %d frames, resize 128, crop 112): alone, 1 thread %.2f | kinetics prep job (shards+manifest) %.2f per core%n",
                frames, PrepBench.median(alone), PrepBench.median(job));
        spark.stop();
        return 0;
    }

    /** Kinetics layout: annotations/train.csv and train/&lt;label&gt;/{id}_{start}_{end}.mp4, made once. */
    private List<Path> generate(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        StringBuilder csv = new StringBuilder("label,youtube_id,time_start,time_end,split\n");
        Random rnd = new Random(11);
        for (int c = 0; c < clips; c++) {
            String label = "class " + (c % 4);
            String yt = String.format(Locale.ROOT, "bench-%05d", c);
            int start = 10 * c;
            csv.append(label).append(',').append(yt).append(',').append(start).append(',').append(start + seconds).append(",train\n");
            Path f = root.resolve("train").resolve(label.replace(' ', '_'))
                    .resolve(String.format(Locale.ROOT, "%s_%06d_%06d.mp4", yt, start, start + seconds));
            out.add(f);
            if (Files.exists(f)) {
                continue;
            }
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling("." + f.getFileName()); // hidden from the reader until complete
            try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(tmp.toFile(), width, height, 0)) {
                rec.setFormat("mp4");
                rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
                rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                rec.setFrameRate(25);
                rec.setVideoBitrate(800_000);
                rec.setVideoOption("profile", "high");
                rec.setVideoOption("coder", "cabac");
                rec.start();
                Frame fr = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
                ByteBuffer b = (ByteBuffer) fr.image[0];
                int phase = rnd.nextInt(256);
                for (int j = 0; j < 25 * seconds; j++) {
                    for (int y = 0; y < height; y++) {
                        for (int x = 0; x < width; x++) {
                            int i = y * fr.imageStride + x * 3;
                            b.put(i, (byte) (phase + x + 2 * j));
                            b.put(i + 1, (byte) (y + ((x * y) >> 8) + j));
                            b.put(i + 2, (byte) (((x ^ y) & 0x7f) + rnd.nextInt(24)));
                        }
                    }
                    rec.record(fr, avutil.AV_PIX_FMT_RGB24);
                }
                rec.stop();
            }
            Files.move(tmp, f);
        }
        Files.createDirectories(root.resolve("annotations"));
        Files.writeString(root.resolve("annotations/train.csv"), csv, StandardCharsets.UTF_8);
        return out;
    }
}
