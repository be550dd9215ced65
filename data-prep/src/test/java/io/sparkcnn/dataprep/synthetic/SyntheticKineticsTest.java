package io.sparkcnn.dataprep.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.DatasetFs;
import io.sparkcnn.dataprep.Emitter;
import io.sparkcnn.dataprep.ImagePipeline;
import io.sparkcnn.dataprep.PrepOptions;
import io.sparkcnn.dataprep.ProcessedImage;
import io.sparkcnn.dataprep.SourceUnit;
import io.sparkcnn.dataprep.readers.KineticsReader;
import io.sparkcnn.dataprep.readers.VideoClips;
import io.sparkcnn.model.data.ShardSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import io.sparkcnn.model.data.IdxReader;
import io.sparkcnn.model.data.ResizePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic Kinetics generator writes the Kinetics layout with real H.264 clips whose decoded frames show
 * the garment displaced by its class's velocity, and by nothing else; the kinetics reader takes the folder
 * as it takes Kinetics (listing and processing each unit as a prep task does; KineticsPrepTest runs that
 * reader through the whole Spark job).
 */
class SyntheticKineticsTest {
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final int W = 32;
    static final int H = 32;
    static final int FRAMES = 12;
    static final Pattern FILE = Pattern.compile("[A-Za-z0-9_-]{11}_\\d{6}_\\d{6}\\.mp4");

    @TempDir
    static Path tmp;
    static Path out;

    static String[] args(Path to, long seed, int train, int val) {
        return new String[] {"--fashion-mnist", FASHION_MNIST.toString(), "--output", to.toString(), "--train", Integer.toString(train),
            "--val", Integer.toString(val), "--frames", Integer.toString(FRAMES), "--seed", Long.toString(seed)};
    }

    @BeforeAll
    static void generate() {
        out = tmp.resolve("k");
        assertEquals(0, SyntheticKinetics.run(args(out, 5, 16, 8)));
    }

    @Test
    void writesTheKineticsLayout() throws Exception {
        List<String> train = Files.readAllLines(out.resolve("annotations/train.csv"));
        List<String> val = Files.readAllLines(out.resolve("annotations/validate.csv"));
        assertEquals(SyntheticKinetics.HEADER, train.get(0));
        assertEquals(SyntheticKinetics.HEADER, val.get(0));
        assertEquals(17, train.size());
        assertEquals(9, val.size());
        Set<String> labels = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (String line : train.subList(1, train.size())) {
            String[] c = line.split(",");
            assertEquals(5, c.length, line);
            assertEquals("train", c[4]);
            labels.add(c[0]);
            assertTrue(ids.add(c[1]), "youtube ids are unique: " + line);
            int start = Integer.parseInt(c[2]);
            assertEquals(start + 10, Integer.parseInt(c[3]), "Kinetics clips are 10 s");
            String name = String.format(Locale.ROOT, "%s_%06d_%06d.mp4", c[1], start, start + 10);
            assertTrue(FILE.matcher(name).matches(), name);
            assertTrue(Files.isRegularFile(out.resolve("train").resolve(c[0].replace(' ', '_')).resolve(name)), name);
        }
        assertEquals(8, labels.size(), "16 clips deal every one of the 8 directions twice: " + labels);
        assertTrue(labels.contains("moving north-east"), labels.toString());
        try (Stream<Path> s = Files.walk(out.resolve("val"))) {
            assertEquals(8, s.filter(p -> p.toString().endsWith(".mp4")).count());
        }
        assertTrue(Files.readString(out.resolve("SYNTHETIC.txt")).startsWith("SYNTHETIC"));
    }

    /** Mean absolute difference (0..255) between decoded frames and rendered ones. */
    private static double error(VideoClips.Clip clip, byte[][] rendered) {
        double sum = 0;
        for (int k = 0; k < clip.frames(); k++) {
            for (int i = 0; i < W * H * 3; i++) {
                sum += Math.abs((clip.pixels()[k * W * H * 3 + i] & 0xff) - (rendered[k][i] & 0xff));
            }
        }
        return sum / ((double) clip.frames() * W * H * 3);
    }

    @Test
    void decodedFramesShowTheGarmentMovingAtItsClassVelocity() throws Exception {
        SyntheticKinetics gen = new SyntheticKinetics();
        new picocli.CommandLine(gen).parseArgs(args(out, 5, 16, 8));
        MotionClipRenderer renderer = new MotionClipRenderer(W, H, FRAMES, 16);
        List<MotionClasses.Motion> classes = MotionClasses.of(1);
        IdxReader.Labeled garments = IdxReader.readSplit(FASHION_MNIST, "train");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            SyntheticKinetics.Clip c = gen.clip(renderer, classes, "train", i, garments, ids);
            VideoClips.Clip clip = VideoClips.sample(Files.readAllBytes(out.resolve(c.path())), FRAMES, ResizePolicy.KEEP,
                    1 << 20, 1 << 10);
            assertEquals(FRAMES, clip.sourceFrames(), c.path());
            assertEquals(W, clip.width());
            assertEquals(H, clip.height());
            double truth = error(clip, renderer.frames(c.scene(), c.motion().vx(), c.motion().vy()));
            // the codec smooths away most of the sensor noise (sd 6, about 5 of the mean absolute error) and
            // rounds the garment's edges
            assertTrue(truth < 12.0, c.path() + ": decoded frames are the rendered ones up to the codec, mean error " + truth);
            // every other velocity (and standing still) explains the frames clearly worse
            double best = Double.MAX_VALUE;
            for (MotionClasses.Motion other : classes) {
                if (!other.equals(c.motion())) best = Math.min(best, error(clip, renderer.frames(c.scene(), other.vx(), other.vy())));
            }
            best = Math.min(best, error(clip, renderer.frames(c.scene(), 0, 0)));
            assertTrue(best > truth + 1.5, c.path() + ": true motion error " + truth + ", best other " + best);
        }
    }

    /** Pixels where the decoded clip differs from the bare background (same noise) by more than 30 in some channel. */
    private static boolean[][] detected(VideoClips.Clip clip, byte[][] background) {
        boolean[][] m = new boolean[clip.frames()][W * H];
        for (int k = 0; k < clip.frames(); k++) {
            for (int p = 0; p < W * H; p++) {
                for (int c = 0; c < 3; c++) {
                    int d = Math.abs((clip.pixels()[(k * W * H + p) * 3 + c] & 0xff) - (background[k][p * 3 + c] & 0xff));
                    if (d > 30) m[k][p] = true;
                }
            }
        }
        return m;
    }

    /** Mean over frames of the IoU between the detected pixels and the garment's (half-)opaque pixels at start + k v, wrapped. */
    private static double iou(boolean[][] found, MotionClipRenderer.Scene s, int side, int vx, int vy) {
        double sum = 0;
        for (int k = 0; k < found.length; k++) {
            boolean[] want = new boolean[W * H];
            for (int gy = 0; gy < side; gy++) {
                for (int gx = 0; gx < side; gx++) {
                    if (s.alpha()[gy * side + gx] >= 0.5f) {
                        want[Math.floorMod(s.y0() + vy * k + gy, H) * W + Math.floorMod(s.x0() + vx * k + gx, W)] = true;
                    }
                }
            }
            int inter = 0;
            int union = 0;
            for (int p = 0; p < W * H; p++) {
                inter += found[k][p] && want[p] ? 1 : 0;
                union += found[k][p] || want[p] ? 1 : 0;
            }
            sum += union == 0 ? 0 : (double) inter / union;
        }
        return sum / found.length;
    }

    /**
     * Independently of how frames are drawn: where a decoded frame departs from the bare background is
     * where the garment should be, start + k x the class's velocity; no other velocity fits as well.
     */
    @Test
    void theGarmentIsWhereItsVelocityPutsIt() throws Exception {
        SyntheticKinetics gen = new SyntheticKinetics();
        new picocli.CommandLine(gen).parseArgs(args(out, 5, 16, 8));
        MotionClipRenderer renderer = new MotionClipRenderer(W, H, FRAMES, 16);
        List<MotionClasses.Motion> classes = MotionClasses.of(1);
        IdxReader.Labeled garments = IdxReader.readSplit(FASHION_MNIST, "t10k");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            SyntheticKinetics.Clip c = gen.clip(renderer, classes, "val", i, garments, ids);
            VideoClips.Clip clip = VideoClips.sample(Files.readAllBytes(out.resolve(c.path())), FRAMES, ResizePolicy.KEEP,
                    1 << 20, 1 << 10);
            MotionClipRenderer.Scene s = c.scene();
            MotionClipRenderer.Scene bare = new MotionClipRenderer.Scene(s.garment(), new float[s.alpha().length], s.shade(), s.tint(),
                    s.background(), s.x0(), s.y0(), s.noiseSeed());
            boolean[][] found = detected(clip, renderer.frames(bare, 0, 0));
            double truth = iou(found, s, 16, c.motion().vx(), c.motion().vy());
            assertTrue(truth > 0.5, c.path() + ": IoU with the garment at its class's positions " + truth);
            for (int[] v : new int[][] {{0, 0}, {2 * c.motion().vx(), 2 * c.motion().vy()}, {-c.motion().vx(), -c.motion().vy()},
                {c.motion().vy(), c.motion().vx()}}) {
                if (v[0] == c.motion().vx() && v[1] == c.motion().vy()) continue;
                double other = iou(found, s, 16, v[0], v[1]);
                assertTrue(other < truth - 0.15, c.path() + ": velocity " + java.util.Arrays.toString(v) + " fits with IoU " + other
                        + ", the class's with " + truth);
            }
        }
    }

    @Test
    void eachDecodedFrameDependsOnItsSourceFrameAlone(@TempDir Path dir) throws Exception {
        MotionClipRenderer renderer = new MotionClipRenderer(W, H, 8, 16);
        IdxReader.Labeled garments = IdxReader.readSplit(FASHION_MNIST, "t10k");
        MotionClipRenderer.Scene s = renderer.draw(garments, new java.util.SplittableRandom(3));
        byte[][] a = renderer.frames(s, 1, 0);
        // frame 4 becomes uniform noise, the costliest frame to code: a rate control would give its
        // neighbours fewer bits, so they would decode differently
        byte[][] mixed = a.clone();
        mixed[4] = new byte[W * H * 3];
        new java.util.Random(4).nextBytes(mixed[4]);
        SyntheticKinetics.encode(dir.resolve("a.mp4"), a, W, H);
        SyntheticKinetics.encode(dir.resolve("m.mp4"), mixed, W, H);
        byte[] da = VideoClips.sample(Files.readAllBytes(dir.resolve("a.mp4")), 8, ResizePolicy.KEEP, 1 << 20, 1 << 10).pixels();
        byte[] dm = VideoClips.sample(Files.readAllBytes(dir.resolve("m.mp4")), 8, ResizePolicy.KEEP, 1 << 20, 1 << 10).pixels();
        int f = W * H * 3;
        for (int k = 0; k < 8; k++) {
            byte[] fa = java.util.Arrays.copyOfRange(da, k * f, (k + 1) * f);
            byte[] fm = java.util.Arrays.copyOfRange(dm, k * f, (k + 1) * f);
            if (k == 4) {
                assertFalse(java.util.Arrays.equals(fa, fm), "frame 4 was replaced");
            } else {
                assertArrayEquals(fa, fm, "decoded frame " + k + " does not depend on the other frames (all intra, constant QP)");
            }
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherClips() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, SyntheticKinetics.run(args(a, 5, 2, 0)));
        assertEquals(0, SyntheticKinetics.run(args(b, 6, 2, 0)));
        String csv = "annotations/train.csv";
        List<String> rows = Files.readAllLines(out.resolve(csv));
        assertEquals(rows.subList(0, 3), Files.readAllLines(a.resolve(csv)), "clip i depends on (seed, split, i) alone");
        String[] c = rows.get(1).split(",");
        String clip = String.format(Locale.ROOT, "train/%s/%s_%06d_%06d.mp4", c[0].replace(' ', '_'), c[1], Integer.parseInt(c[2]),
                Integer.parseInt(c[3]));
        assertArrayEquals(Files.readAllBytes(out.resolve(clip)), Files.readAllBytes(a.resolve(clip)));
        assertFalse(Files.readAllLines(b.resolve(csv)).get(1).equals(rows.get(1)));
    }

    @Test
    void badOptionsExitTwo() {
        Path bad = tmp.resolve("bad");
        assertEquals(2, SyntheticKinetics.run("--output", bad.toString(), "--width", "31"));
        assertEquals(2, SyntheticKinetics.run("--output", bad.toString(), "--garment-size", "32"));
        assertEquals(2, SyntheticKinetics.run("--output", bad.toString(), "--speeds", "1,1"));
        assertEquals(2, SyntheticKinetics.run("--output", bad.toString(), "--speeds", "0"));
        assertEquals(2, SyntheticKinetics.run("--output", bad.toString(), "--train", "0", "--val", "0"));
        assertEquals(2, SyntheticKinetics.run("--output", bad.toString(), "--fashion-mnist", tmp.resolve("none").toString(),
                "--train", "1", "--val", "0"));
    }

    @Test
    void theKineticsReaderTakesEveryClip() throws Exception {
        DatasetFs fs = new DatasetFs(out.toUri().toString(), new org.apache.hadoop.conf.Configuration());
        KineticsReader reader = new KineticsReader();
        List<SourceUnit> units = reader.list(fs);
        assertEquals(24, units.size(), units.toString());
        Map<Integer, String> classes = reader.classes(fs);
        assertEquals(MotionClasses.of(1).stream().map(MotionClasses.Motion::label).toList(), new ArrayList<>(classes.values()),
                "class index = sorted label");
        PrepOptions o = PrepOptions.defaults("kinetics", out.toUri().toString(), tmp.resolve("unused").toUri().toString())
                .withResize(ResizePolicy.KEEP).withFrames(FRAMES);
        List<String> rejects = new ArrayList<>();
        Map<String, Map<String, Object>> rows = new HashMap<>();
        Emitter emitter = new Emitter() {
            @Override
            public void row(String key, ProcessedImage image, Map<String, Object> targets) {
                assertEquals(W, image.width(), key);
                assertEquals(H, image.height(), key);
                assertEquals(FRAMES * W * H * 3, image.payload().length, key);
                rows.put(key, targets);
            }

            @Override
            public void reject(String source, String stage, String reason) {
                rejects.add(source + ": " + stage + ": " + reason);
            }
        };
        for (SourceUnit u : units) reader.process(u, fs, new ImagePipeline(o), o, emitter);
        assertEquals(List.of(), rejects);
        assertEquals(24, rows.size());
        rows.forEach((key, t) -> {
            String label = (String) t.get(ShardSchema.LABEL_NAME);
            assertEquals(key.split("/")[1], label.replace(' ', '_'), "the clip's folder is its label");
            assertEquals(label, classes.get((Integer) t.get(ShardSchema.LABEL)), key);
            assertEquals(FRAMES, t.get(ShardSchema.NUM_FRAMES), key);
        });
    }
}
