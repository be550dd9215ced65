package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.readers.CityscapesReader;
import io.sparkcnn.dataprep.synthetic.GarmentClasses;
import io.sparkcnn.dataprep.synthetic.SyntheticCityscapes;
import io.sparkcnn.model.data.CityscapesLabels;
import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.data.ShardSchema;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic Cityscapes generator's output goes through the real Cityscapes prep like a real folder. */
class SyntheticCityscapesPrepTest extends SparkTestBase {
    private static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    @TempDir
    Path tmp;

    private static int generate(Path out, long seed) {
        return SyntheticCityscapes.run("--fashion-mnist", FASHION_MNIST, "--output", out.toString(), "--width", "48",
                "--height", "24", "--train", "4", "--val", "2", "--test", "1", "--seed", Long.toString(seed));
    }

    @Test
    void generatedScenesPrepLikeCityscapes() throws Exception {
        Path in = tmp.resolve("synthetic");
        assertEquals(0, generate(in, 7));
        List<String> expected = List.of(
                "train/aachen/aachen_000000_000019", "train/bochum/bochum_000000_000019",
                "train/bremen/bremen_000000_000019", "train/aachen/aachen_000001_000019",
                "val/frankfurt/frankfurt_000000_000019", "val/lindau/lindau_000000_000019",
                "test/berlin/berlin_000000_000019");
        Set<Integer> allowed = new HashSet<>(List.of(GarmentClasses.UNLABELED, GarmentClasses.EGO_VEHICLE,
                GarmentClasses.ROAD, GarmentClasses.BUILDING, GarmentClasses.SKY));
        for (int g = 0; g < 10; g++) allowed.add(GarmentClasses.labelId(g));
        Set<Integer> seen = new HashSet<>();
        Map<String, int[]> trainIds = new HashMap<>();
        ImageCodec codec = new ImageCodec();
        for (String stem : expected) {
            Path img = in.resolve("leftImg8bit/" + stem + "_leftImg8bit.png");
            Path gt = in.resolve("gtFine/" + stem + "_gtFine_labelIds.png");
            assertTrue(Files.isRegularFile(img) && Files.isRegularFile(gt), stem);
            BufferedImage raw = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(gt)));
            assertEquals(1, raw.getRaster().getNumBands());
            assertEquals(8, raw.getColorModel().getComponentSize(0), "labelIds are 8-bit, as Cityscapes'");
            GrayImage ids = codec.decodeGray(Files.readAllBytes(gt));
            RgbImage rgb = codec.decode(Files.readAllBytes(img)).image();
            assertEquals(48, ids.width());
            assertEquals(24, ids.height());
            assertEquals(48, rgb.width());
            int[] t = new int[ids.values().length];
            Set<Integer> skyColours = new HashSet<>();
            for (int i = 0; i < t.length; i++) {
                int v = ids.values()[i];
                assertTrue(allowed.contains(v), stem + " holds labelId " + v);
                seen.add(v);
                t[i] = CityscapesLabels.trainId(v);
                if (v == GarmentClasses.SKY) {
                    byte[] p = rgb.pixels();
                    skyColours.add((p[3 * i] & 0xff) << 16 | (p[3 * i + 1] & 0xff) << 8 | (p[3 * i + 2] & 0xff));
                }
            }
            assertTrue(skyColours.size() > 20, "the sky is textured, not flat: " + skyColours.size() + " colours");
            trainIds.put("leftImg8bit/" + stem + "_leftImg8bit.png", t);
        }
        assertTrue(seen.containsAll(List.of(GarmentClasses.UNLABELED, GarmentClasses.ROAD, GarmentClasses.SKY,
                GarmentClasses.BUILDING)), seen.toString());
        assertTrue(seen.size() >= 8, "garments of several classes: " + seen);
        assertTrue(Files.readString(in.resolve("SYNTHETIC.txt")).startsWith("SYNTHETIC"));

        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("cityscapes", in.toUri().toString(), out).withEncoding(EncodingPolicy.PNG)
                .withMaxRejectFraction(0);
        PrepResult r = new PrepJob(spark, new CityscapesReader(), o).run();
        assertEquals(7, r.rowsWritten());
        List<Row> rows = new ShardTable(spark, out).readShards().collectAsList();
        assertEquals(7, rows.size());
        Set<String> voidFound = new HashSet<>();
        for (Row row : rows) {
            String key = row.getAs(ShardSchema.KEY);
            int[] want = trainIds.get(key);
            assertNotNull(want, key);
            assertEquals(key.split("/")[1], row.getAs(ShardSchema.SPLIT));
            GrayImage mask = codec.decodeGray(row.getAs(ShardSchema.MASK));
            assertArrayEquals(want, mask.values(), "mask of " + key + " is its labelIds mapped to trainIds");
            for (int v : mask.values()) if (v == 255) voidFound.add(key);
        }
        assertFalse(voidFound.isEmpty(), "some pixels are void (255)");
        try (InputStream m = Files.newInputStream(tmp.resolve("out").resolve(Manifest.FILE_NAME))) {
            Map<String, Manifest.SplitCounts> splits = Manifest.read(m).splits();
            assertEquals(4, splits.get("train").rows());
            assertEquals(2, splits.get("val").rows());
            assertEquals(1, splits.get("test").rows());
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherScenes() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        assertEquals(0, generate(a, 3));
        assertEquals(0, generate(b, 3));
        assertEquals(0, generate(c, 4));
        String f = "leftImg8bit/train/bochum/bochum_000000_000019_leftImg8bit.png";
        String g = "gtFine/val/lindau/lindau_000000_000019_gtFine_labelIds.png";
        assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)));
        assertArrayEquals(Files.readAllBytes(a.resolve(g)), Files.readAllBytes(b.resolve(g)));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(c.resolve(f))));
        try (Stream<Path> s = Files.walk(a)) {
            assertEquals(15, s.filter(Files::isRegularFile).count(), "7 images, 7 masks, SYNTHETIC.txt");
        }
    }

    @Test
    void theDistScriptGenerates() throws Exception {
        Path dist = Dist.dist();
        Path out = tmp.resolve("from-dist");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Dist.Run r = Dist.bash("deploy/prep/synthetic-cityscapes.sh --output " + out + " --train 2 --val 1 --width 32 --height 16",
                Dist.env(dist, home), tmp.resolve("dist.out"), 300);
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.isRegularFile(out.resolve("gtFine/val/frankfurt/frankfurt_000000_000019_gtFine_labelIds.png")), r.output());
    }

    @Test
    void badOptionsExitTwo() {
        Path out = tmp.resolve("bad");
        assertEquals(2, SyntheticCityscapes.run("--output", out.toString(), "--garments", "5:2"));
        assertEquals(2, SyntheticCityscapes.run("--output", out.toString(), "--garment-size", "0.5"));
        assertEquals(2, SyntheticCityscapes.run("--output", out.toString(), "--train", "0", "--val", "0"));
        assertEquals(2, SyntheticCityscapes.run("--output", out.toString(), "--fashion-mnist", tmp.resolve("none").toString(),
                "--train", "1", "--val", "0"));
    }
}
