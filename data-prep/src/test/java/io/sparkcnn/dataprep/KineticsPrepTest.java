package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.readers.KineticsReader;
import io.sparkcnn.dataprep.readers.VideoClips;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kinetics in the published layout (annotations/*.csv, clips {@code {youtube_id}_{start:06d}_{end:06d}.mp4}
 * under train/&lt;label&gt;/ and flat under val/), with real H.264 MP4 clips written by FFmpeg here, plus a
 * missing clip, a zero-byte clip, a corrupt clip, a clip shorter than 16 frames, a malformed CSV line and
 * an unknown split.
 */
class KineticsPrepTest extends SparkTestBase {
    static final int W = 64;
    static final int H = 48;
    static final int FRAMES = 24;
    static final String HEADER = "label,youtube_id,time_start,time_end,split\n";

    @TempDir
    static Path shared;
    static byte[] good;
    static byte[] shortClip;
    static String profile;

    /** Frame j of a clip: red = 10 j (so the stored frame tells which source frame was sampled). */
    static byte[] clip(int frames, int seed) throws IOException {
        return Fixtures.h264Clip(shared.resolve("enc-" + frames + "-" + seed + ".mp4"), W, H, frames, seed);
    }

    @BeforeAll
    static void encode() throws Exception {
        good = clip(FRAMES, 1);
        shortClip = clip(8, 2);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(new ByteArrayInputStream(good), good.length)) {
            g.start();
            AVCodecParameters par = g.getFormatContext().streams(g.getVideoStream()).codecpar();
            assertEquals(avcodec.AV_CODEC_ID_H264, par.codec_id(), "fixture is H.264");
            profile = avcodec.avcodec_profile_name(par.codec_id(), par.profile()).getString();
            System.out.println("KineticsPrepTest fixtures: H.264 profile " + profile + " (encoder " + g.getVideoCodecName() + ")");
            g.stop();
        }
    }

    private static String name(String yt, int s, int e) {
        return String.format("%s_%06d_%06d.mp4", yt, s, e);
    }

    private static void put(Path root, String rel, byte[] b) throws IOException {
        Files.createDirectories(root.resolve(rel).getParent());
        Files.write(root.resolve(rel), b);
    }

    private static PrepOptions opts(Path in, Path out) {
        return PrepOptions.defaults("kinetics", in.toUri().toString(), out.toUri().toString()).withMaxRejectFraction(1.0);
    }

    private static PrepResult run(Path in, Path out) throws IOException {
        return new PrepJob(spark, new KineticsReader(), opts(in, out)).run();
    }

    @Test
    void framesAreSampledUniformly() {
        assertArrayEquals(new int[] {0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23}, VideoClips.indices(24, 16));
        assertArrayEquals(new int[] {0, 1, 2, 3}, VideoClips.indices(4, 4));
        assertArrayEquals(new int[] {150}, VideoClips.indices(300, 1));
    }

    @Test
    void cliDefaultsToC3dInputAndRefusesNonRawEncodingsAndZeroFrames(@TempDir Path tmp) {
        PrepOptions d = PrepOptions.defaults("kinetics", "file:///in", "file:///out");
        assertEquals("center-crop:128:112", d.resize().toString());
        assertEquals("raw", d.encoding().toString());
        assertEquals(16, d.frames());
        String in = tmp.toUri().toString();
        String out = tmp.resolve("out").toUri().toString();
        assertEquals(PrepException.INPUT, PrepCli.run("kinetics", in, out, "--encoding", "jpeg"));
        assertEquals(PrepException.INPUT, PrepCli.run("kinetics", in, out, "--frames", "0"));
    }

    @Test
    void publishedLayoutWithBadClipsAndIncrementalRerun(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("k400");
        Path out = tmp.resolve("out");
        // youtube ids are 11 chars and may contain '_' and '-'
        String train = HEADER
                + "abseiling,-abc_DEF-12,10,20,train\n"
                + "\"air drumming\",a_b-c_d-e_f,0,10,train\n"
                + "zumba,ZZZZZZZZZZZ,5,15,train\n"
                + "zumba,missingclip,30,40,train\n"          // clip missing (and only 11 chars: valid id)
                + "zumba,shortclip01,0,10,train\n"           // 8 frames < 16
                + "abseiling,zerobyte001,0,10,train\n"
                + "abseiling,corrupt0001,0,10,train\n"
                + "zumba,broken line\n"                      // malformed
                + "zumba,holdout0001,0,10,holdout\n";        // unknown split
        String val = HEADER + "\"air drumming\",val-clip_01,100,110,val\n";
        put(in, "annotations/train.csv", train.getBytes(StandardCharsets.UTF_8));
        put(in, "annotations/validate.csv", val.getBytes(StandardCharsets.UTF_8));
        put(in, "train/abseiling/" + name("-abc_DEF-12", 10, 20), good);
        put(in, "train/air_drumming/" + name("a_b-c_d-e_f", 0, 10), good);
        put(in, "train/zumba/" + name("ZZZZZZZZZZZ", 5, 15), clip(FRAMES, 3));
        put(in, "train/zumba/" + name("shortclip01", 0, 10), shortClip);
        put(in, "train/abseiling/" + name("zerobyte001", 0, 10), new byte[0]);
        byte[] junk = new byte[5000];
        new Random(5).nextBytes(junk);
        put(in, "train/abseiling/" + name("corrupt0001", 0, 10), junk);
        put(in, "val/" + name("val-clip_01", 100, 110), good); // flat layout

        PrepResult r1 = run(in, out);
        assertEquals(4, r1.rowsWritten(), r1.message());
        assertEquals(6, r1.rejects(), r1.message());
        String outUri = out.toUri().toString();
        ShardTable table = new ShardTable(spark, outUri);
        Map<String, Row> rows = new HashMap<>();
        for (Row r : table.readShards().collectAsList()) {
            rows.put(r.getAs(ShardSchema.KEY), r);
        }
        assertEquals(4, rows.size(), rows.keySet().toString());
        Map<String, Integer> labels = Map.of(
                "train/abseiling/" + name("-abc_DEF-12", 10, 20), 0,
                "train/air_drumming/" + name("a_b-c_d-e_f", 0, 10), 1,
                "train/zumba/" + name("ZZZZZZZZZZZ", 5, 15), 2,
                "val/" + name("val-clip_01", 100, 110), 1);
        int[] sampled = VideoClips.indices(FRAMES, 16);
        for (var e : labels.entrySet()) {
            Row r = rows.get(e.getKey());
            assertEquals(e.getValue(), (Integer) r.getAs(ShardSchema.LABEL), e.getKey());
            assertEquals(List.of("abseiling", "air drumming", "zumba").get(e.getValue()), r.getAs(ShardSchema.LABEL_NAME));
            assertEquals(e.getKey().startsWith("val/") ? "val" : "train", r.getAs(ShardSchema.SPLIT));
            assertEquals(16, (int) r.getAs(ShardSchema.NUM_FRAMES));
            assertEquals(ShardSchema.ENC_RAW, r.getAs(ShardSchema.ENCODING));
            assertEquals(112, (int) r.getAs(ShardSchema.HEIGHT));
            assertEquals(112, (int) r.getAs(ShardSchema.WIDTH));
            assertEquals(3, (int) r.getAs(ShardSchema.CHANNELS));
            byte[] img = r.getAs(ShardSchema.IMAGE);
            assertEquals(16 * 112 * 112 * 3, img.length);
            // THWC: frame k's mean red is 10 x the source frame index sampled
            for (int k = 0; k < 16; k++) {
                long sum = 0;
                int off = k * 112 * 112 * 3;
                for (int p = 0; p < 112 * 112; p++) {
                    sum += img[off + p * 3] & 0xff;
                }
                double red = sum / (112.0 * 112.0);
                assertEquals(10.0 * sampled[k], red, 8.0, e.getKey() + " frame " + k);
            }
        }

        Map<String, String> rejects = new HashMap<>();
        for (Row r : table.readRejects().collectAsList()) {
            rejects.put(r.getAs(RejectSchema.SOURCE), r.getAs(RejectSchema.STAGE) + ": " + r.getAs(RejectSchema.REASON));
        }
        assertEquals(6, rejects.size(), rejects.toString());
        assertTrue(rejects.get("train/" + name("missingclip", 30, 40)).contains("clip missing"), rejects.toString());
        assertTrue(rejects.get("train/zumba/" + name("shortclip01", 0, 10)).contains("clip has 8 frames, fewer than the 16"), rejects.toString());
        assertTrue(rejects.get("train/abseiling/" + name("zerobyte001", 0, 10)).contains("zero-byte"), rejects.toString());
        // the reason names the file and what is wrong with it, not FFmpeg's in-memory stream object
        String corrupt = rejects.get("train/abseiling/" + name("corrupt0001", 0, 10));
        assertTrue(corrupt.contains(name("corrupt0001", 0, 10) + ": undecodable clip: not a video container FFmpeg can open "
                + "(truncated, empty or another format; the file starts with bytes "), corrupt);
        assertFalse(corrupt.contains("InputStream") || corrupt.contains("avformat_open_input"), corrupt);
        assertTrue(rejects.get("annotations/train.csv#line=9").contains("malformed CSV line"), rejects.toString());
        assertTrue(rejects.get("annotations/train.csv#line=10").contains("unknown split 'holdout'"), rejects.toString());

        Manifest m = Manifest.read(Files.newInputStream(out.resolve(Manifest.FILE_NAME)));
        assertEquals(Task.VIDEO, m.task());

        // unchanged input: nothing to do
        PrepResult again = run(in, out);
        assertTrue(again.nothingToDo(), again.message());

        // a new row and clip (existing label): only that clip is processed
        Files.writeString(in.resolve("annotations/train.csv"), "zumba,newclip0001,0,10,train\n", java.nio.file.StandardOpenOption.APPEND);
        put(in, "train/zumba/" + name("newclip0001", 0, 10), clip(FRAMES, 4));
        PrepResult r2 = run(in, out);
        assertEquals(1, r2.unitsNew(), r2.message());
        assertEquals(0, r2.unitsChanged(), r2.message());
        assertEquals(1, r2.rowsWritten(), r2.message());

        // the same content as one run over everything: every row once, the new clip from run 2 only
        Map<String, Long> seq = new HashMap<>();
        for (Row r : table.readShards().collectAsList()) {
            assertEquals(null, seq.put(r.getAs(ShardSchema.KEY), r.getAs(ShardSchema.RUN_SEQ)), "no duplicate rows");
        }
        String added = "train/zumba/" + name("newclip0001", 0, 10);
        assertEquals(5, seq.size(), seq.toString());
        seq.forEach((k, v) -> assertEquals(k.equals(added) ? 2L : 1L, v, k));
        assertEquals(6, table.readRejects().count(), "rejects kept, not duplicated");
        Manifest m2 = Manifest.read(Files.newInputStream(out.resolve(Manifest.FILE_NAME)));
        assertEquals(8, m2.sources().size(), "every clip file seen (rows without a clip have no file)");
    }
}
