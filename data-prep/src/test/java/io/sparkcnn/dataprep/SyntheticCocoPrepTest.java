package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.dataprep.readers.CocoReader;
import io.sparkcnn.dataprep.synthetic.GarmentCategories;
import io.sparkcnn.dataprep.synthetic.SyntheticCoco;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.testing.TestPython;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic COCO generator's output is COCO 2017 as pycocotools reads it, and goes through the real COCO prep. */
class SyntheticCocoPrepTest extends SparkTestBase {
    private static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static int generate(Path out, long seed, String... more) {
        List<String> a = new ArrayList<>(List.of("--fashion-mnist", FASHION_MNIST, "--output", out.toString(),
                "--width", "64", "--height", "48", "--train", "12", "--val", "4", "--crowd", "0.5", "--seed", Long.toString(seed)));
        a.addAll(List.of(more));
        return SyntheticCoco.run(a.toArray(String[]::new));
    }

    /** A COCO uncompressed RLE decoded by hand: column-major runs, zeros first. */
    private static int[] decodeRle(JsonNode seg) {
        int h = seg.get("size").get(0).asInt(), w = seg.get("size").get(1).asInt();
        int[] m = new int[w * h];
        int pos = 0, value = 0;
        for (JsonNode run : seg.get("counts")) {
            for (int k = 0; k < run.asInt(); k++, pos++) m[(pos % h) * w + pos / h] = value;
            value = 1 - value;
        }
        assertEquals(w * h, pos, "the runs cover the image exactly");
        return m;
    }

    @Test
    void annotationsAreTheVisibleGarmentsAndPrepLikeCoco() throws Exception {
        Path in = tmp.resolve("coco");
        assertEquals(0, generate(in, 5));
        JsonNode train = JSON.readTree(in.resolve("annotations/instances_train2017.json").toFile());
        JsonNode val = JSON.readTree(in.resolve("annotations/instances_val2017.json").toFile());
        assertEquals(12, train.get("images").size());
        assertEquals(4, val.get("images").size());
        assertTrue(Files.readString(in.resolve("SYNTHETIC.txt")).startsWith("SYNTHETIC"));

        List<Integer> ids = new ArrayList<>();
        for (JsonNode c : train.get("categories")) ids.add(c.get("id").asInt());
        assertEquals(GarmentCategories.sortedIds(), ids, "categories listed by id, with COCO-like gaps");
        assertTrue(ids.get(ids.size() - 1) > ids.size(), "ids have gaps: " + ids);

        ImageCodec codec = new ImageCodec();
        Map<Long, List<JsonNode>> byImage = new HashMap<>();
        int crowds = 0;
        for (JsonNode a : train.get("annotations")) {
            byImage.computeIfAbsent(a.get("image_id").asLong(), k -> new ArrayList<>()).add(a);
            // the box is the tight box of the mask, the area its pixel count
            int[] m = decodeRle(a.get("segmentation"));
            int x0 = 64, y0 = 48, x1 = 0, y1 = 0, area = 0;
            for (int i = 0; i < m.length; i++) {
                if (m[i] == 0) continue;
                area++;
                x0 = Math.min(x0, i % 64);
                y0 = Math.min(y0, i / 64);
                x1 = Math.max(x1, i % 64 + 1);
                y1 = Math.max(y1, i / 64 + 1);
            }
            assertEquals(area, a.get("area").asDouble(), 0, a.toString());
            JsonNode b = a.get("bbox");
            assertEquals(List.of((double) x0, (double) y0, (double) (x1 - x0), (double) (y1 - y0)),
                    List.of(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()), a.toString());
            assertTrue(area >= 12, "hidden garments get no annotation: " + a);
            assertTrue(ids.contains(a.get("category_id").asInt()));
            if (a.get("iscrowd").asInt() == 1) crowds++;
        }
        assertTrue(crowds > 0 && crowds < 12, "some crowd annotations: " + crowds);
        assertTrue(train.get("annotations").size() > 12, "several garments per image");

        // a garment's pixels are drawn over the scene: inside a mask the image is not the background alone
        JsonNode first = train.get("images").get(0);
        RgbImage img = codec.decode(Files.readAllBytes(in.resolve("train2017").resolve(first.get("file_name").asText()))).image();
        assertEquals(64, img.width());
        assertEquals(48, img.height());

        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("coco", in.toUri().toString(), out).withMaxRejectFraction(0);
        PrepResult r = new PrepJob(spark, new CocoReader(), o).run();
        assertEquals(16, r.rowsWritten());
        assertEquals(0, r.rejects());
        Set<String> splits = new HashSet<>();
        for (Row row : new ShardTable(spark, out).readShards().collectAsList()) {
            splits.add(row.getAs(ShardSchema.SPLIT));
            if (!"train2017".equals(row.getAs(ShardSchema.SPLIT))) continue;
            long imageId = row.getAs(ShardSchema.IMAGE_ID);
            List<JsonNode> anns = byImage.getOrDefault(imageId, List.of());
            List<Integer> categories = row.getList(row.fieldIndex(ShardSchema.OBJ_CATEGORY_ID));
            List<Integer> labels = row.getList(row.fieldIndex(ShardSchema.OBJ_LABEL));
            List<Integer> crowd = row.getList(row.fieldIndex(ShardSchema.OBJ_ISCROWD));
            List<Float> boxes = row.getList(row.fieldIndex(ShardSchema.OBJ_BBOX));
            assertEquals(anns.size(), categories.size(), "image " + imageId);
            for (int k = 0; k < anns.size(); k++) {
                JsonNode a = anns.get(k);
                assertEquals(a.get("category_id").asInt(), categories.get(k));
                assertEquals(ids.indexOf(a.get("category_id").asInt()), labels.get(k), "contiguous index of the sorted id");
                assertEquals(a.get("iscrowd").asInt(), crowd.get(k));
                for (int c = 0; c < 4; c++) assertEquals(a.get("bbox").get(c).floatValue(), boxes.get(4 * k + c), 0);
                GrayImage mask = codec.decodeGray((byte[]) row.getList(row.fieldIndex(ShardSchema.OBJ_MASK)).get(k));
                assertArrayEquals(decodeRle(a.get("segmentation")), mask.values(), "mask of annotation " + a.get("id"));
            }
        }
        assertEquals(Set.of("train2017", "val2017"), splits);
        try (InputStream m = Files.newInputStream(tmp.resolve("out").resolve(Manifest.FILE_NAME))) {
            Manifest manifest = Manifest.read(m);
            assertEquals(10, manifest.classes().size());
            assertEquals(GarmentCategories.name(5) + " (id 1)", manifest.classes().get(0), "class 0 is the smallest id, 1 = sandal");
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherImages() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        assertEquals(0, generate(a, 3));
        assertEquals(0, generate(b, 3));
        assertEquals(0, generate(c, 4));
        String f = "val2017/000000000014.jpg";
        String j = "annotations/instances_train2017.json";
        assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)));
        assertArrayEquals(Files.readAllBytes(a.resolve(j)), Files.readAllBytes(b.resolve(j)));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(c.resolve(f))));
    }

    @Test
    void pycocotoolsReadsTheAnnotationsAndTheirMasks() throws Exception {
        String modules = "pycocotools.coco";
        Path python = TestPython.importing(modules, "the pycocotools check of the synthetic COCO");
        org.junit.jupiter.api.Assumptions.assumeTrue(python != null, TestPython.skipReason(modules));
        Path in = tmp.resolve("coco");
        assertEquals(0, generate(in, 5));
        String check = """
                import sys
                from pycocotools.coco import COCO
                coco = COCO(sys.argv[1])
                for a in coco.dataset['annotations']:
                    m = coco.annToMask(a)
                    assert m.sum() == a['area'], (a['id'], int(m.sum()), a['area'])
                print(len(coco.getImgIds()), len(coco.getAnnIds()), len(coco.getCatIds()), len(coco.getAnnIds(iscrowd=True)))
                """;
        Path json = in.resolve("annotations/instances_train2017.json");
        TestPython.Result r = TestPython.run(python, check, json.toString());
        assertEquals(0, r.exitCode(), r.output());
        JsonNode train = JSON.readTree(json.toFile());
        int crowds = 0;
        for (JsonNode a : train.get("annotations")) crowds += a.get("iscrowd").asInt();
        String[] lines = r.output().strip().split("\n");
        assertEquals("12 " + train.get("annotations").size() + " 10 " + crowds, lines[lines.length - 1],
                "images, annotations, categories and crowd annotations as pycocotools counts them");
        assertTrue(crowds > 0);
    }

    @Test
    void badOptionsExitTwo() {
        Path out = tmp.resolve("bad");
        assertEquals(2, SyntheticCoco.run("--output", out.toString(), "--garments", "5:2"));
        assertEquals(2, SyntheticCoco.run("--output", out.toString(), "--crowd", "1.5"));
        assertEquals(2, SyntheticCoco.run("--output", out.toString(), "--train", "0", "--val", "0"));
        assertEquals(2, SyntheticCoco.run("--output", out.toString(), "--fashion-mnist", tmp.resolve("none").toString()));
    }

    @Test
    void theDistScriptGenerates() throws Exception {
        Path dist = Dist.dist();
        Path out = tmp.resolve("from-dist");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Dist.Run r = Dist.bash("deploy/prep/synthetic-coco.sh --output " + out + " --train 2 --val 1 --width 32 --height 32",
                Dist.env(dist, home), tmp.resolve("dist.out"), 300);
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.isRegularFile(out.resolve("val2017/000000000003.jpg")), r.output());
        assertNotNull(JSON.readTree(out.resolve("annotations/instances_val2017.json").toFile()).get("annotations"));
    }
}
