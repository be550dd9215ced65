package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.readers.ImageNetReader;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.data.ShardSchema;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ILSVRC2012 in both published layouts, with the known oddities and bad files. */
class ImageNetPrepTest extends SparkTestBase {
    // sorted: n01440764 (0), n01443537 (1), n01484850 (2); devkit IDs deliberately not in sorted order
    static final List<MatWriter.Synset> SYNSETS = List.of(
            new MatWriter.Synset(449, "n01440764", "tench, Tinca tinca"),
            new MatWriter.Synset(1, "n01443537", "goldfish, Carassius auratus"),
            new MatWriter.Synset(2, "n01484850", "great white shark"),
            new MatWriter.Synset(1001, "n00001740", "entity")); // a non-leaf synset, not a class

    @TempDir
    Path tmp;

    /** train/ with good, CMYK, grayscale, PNG-named-JPEG, corrupt, truncated, empty and oversize files. */
    static void writeTrain(Path root, String base) {
        String t = base + "train/";
        for (int i = 0; i < 3; i++) {
            Fixtures.put(root, t + "n01440764/n01440764_" + (10 + i) + ".JPEG", Fixtures.jpeg(80, 60, i));
            Fixtures.put(root, t + "n01443537/n01443537_" + (20 + i) + ".JPEG", Fixtures.jpeg(60, 90, 100 + i));
        }
        Fixtures.put(root, t + "n01484850/n01484850_1.JPEG", Fixtures.cmykJpeg(64, 48, 200, 30, 40));
        Fixtures.put(root, t + "n01484850/n01484850_2.JPEG", Fixtures.grayJpeg(50, 50));
        Fixtures.put(root, t + "n01484850/n01484850_3.JPEG", Fixtures.png(70, 40, 7)); // PNG named .JPEG
        Fixtures.put(root, t + "n01484850/n01484850_4.JPEG", Fixtures.truncated(Fixtures.jpeg(120, 90, 8)));
        Fixtures.put(root, t + "n01484850/n01484850_5.JPEG", new byte[0]);
        Fixtures.put(root, t + "n01484850/n01484850_6.JPEG", Fixtures.pngHeaderOnly(200_000, 200_000));
        Fixtures.put(root, t + "n01484850/n01484850_7.JPEG", "not an image at all".getBytes());
    }

    @Test
    void devkitLayoutShardsTrainAndValWithRejects() throws Exception {
        Path root = tmp.resolve("ilsvrc");
        writeTrain(root, "");
        // val: ground truth lists ILSVRC2012_IDs in file order
        Fixtures.put(root, "val/ILSVRC2012_val_00000001.JPEG", Fixtures.jpeg(64, 64, 31));
        Fixtures.put(root, "val/ILSVRC2012_val_00000002.JPEG", Fixtures.jpeg(64, 64, 32));
        Fixtures.put(root, "val/ILSVRC2012_val_00000003.JPEG", Fixtures.jpeg(64, 64, 33));
        Fixtures.put(root, "val/ILSVRC2012_val_00000004.JPEG", Fixtures.jpeg(64, 64, 34)); // no ground truth line
        Fixtures.put(root, "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt", "449\n2\n1\n".getBytes());
        Fixtures.put(root, "ILSVRC2012_devkit_t12/data/meta.mat", MatWriter.meta(SYNSETS));

        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("imagenet", root.toUri().toString(), out)
                .withResize(ResizePolicy.centerCrop(32, 28)).withMaxRejectFraction(0.5).withTargetShardBytes(4000);
        PrepResult r = new PrepJob(spark, new ImageNetReader(), o).run();
        assertFalse(r.nothingToDo());

        Map<String, Row> rows = new HashMap<>();
        for (Row row : new ShardTable(spark, out).readShards().collectAsList()) {
            rows.put(row.getAs(ShardSchema.KEY), row);
        }
        // 6 good + CMYK + gray + PNG-as-JPEG in train, 3 labelled val images
        assertEquals(12, rows.size(), rows.keySet().toString());
        assertEquals(0, (int) rows.get("train/n01440764/n01440764_10.JPEG").getAs(ShardSchema.LABEL));
        assertEquals(2, (int) rows.get("train/n01484850/n01484850_1.JPEG").getAs(ShardSchema.LABEL));
        assertEquals("n01440764", rows.get("val/ILSVRC2012_val_00000001.JPEG").getAs(ShardSchema.LABEL_NAME));
        assertEquals(0, (int) rows.get("val/ILSVRC2012_val_00000001.JPEG").getAs(ShardSchema.LABEL)); // ID 449 = tench
        assertEquals(2, (int) rows.get("val/ILSVRC2012_val_00000002.JPEG").getAs(ShardSchema.LABEL));
        assertEquals(1, (int) rows.get("val/ILSVRC2012_val_00000003.JPEG").getAs(ShardSchema.LABEL));
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row row = e.getValue();
            assertEquals(28, (int) row.getAs(ShardSchema.WIDTH));
            assertEquals(28, (int) row.getAs(ShardSchema.HEIGHT));
            // detected from the bytes: the PNG named .JPEG stays lossless (PNG), the JPEGs stay JPEG
            String expected = e.getKey().equals("train/n01484850/n01484850_3.JPEG") ? "png" : "jpeg";
            assertEquals(expected, row.getAs(ShardSchema.ENCODING), e.getKey());
        }
        // the CMYK file decoded to (about) its red colour
        RgbImage cmyk = new ImageCodec().decode(rows.get("train/n01484850/n01484850_1.JPEG").getAs(ShardSchema.IMAGE)).image();
        int px = (14 * 28 + 14) * 3;
        assertTrue(Math.abs((cmyk.pixels()[px] & 0xff) - 200) < 12 && (cmyk.pixels()[px + 1] & 0xff) < 45,
                "CMYK converted to RGB");

        Map<String, String> rejects = new HashMap<>();
        for (Row row : new ShardTable(spark, out).readRejects().collectAsList()) {
            rejects.put(row.getAs(RejectSchema.SOURCE), row.getAs(RejectSchema.STAGE) + ": " + row.getAs(RejectSchema.REASON));
        }
        assertEquals(5, rejects.size(), rejects.toString());
        assertTrue(rejects.get("train/n01484850/n01484850_4.JPEG").startsWith("decode"), rejects.toString());
        assertTrue(rejects.get("train/n01484850/n01484850_5.JPEG").contains("empty"), rejects.toString());
        assertTrue(rejects.get("train/n01484850/n01484850_6.JPEG").contains("beyond the limit"), rejects.toString());
        assertTrue(rejects.get("train/n01484850/n01484850_7.JPEG").startsWith("header"), rejects.toString());
        assertTrue(rejects.get("val/ILSVRC2012_val_00000004.JPEG").startsWith("label"), rejects.toString());

        Manifest m;
        try (InputStream in = Files.newInputStream(tmp.resolve("out").resolve(Manifest.FILE_NAME))) {
            m = Manifest.read(in);
        }
        assertEquals(9, m.splits().get("train").rows());
        assertEquals(3, m.splits().get("val").rows());
        assertEquals(3L, m.splits().get("train").perClass().get(0));
        assertEquals(3, m.classes().size());
        assertEquals("n01484850", m.classes().get(2));
        assertEquals(5, m.rejects().total());
        assertTrue(m.shards().size() >= 2, "small target size makes several shards");
        long shardRows = 0;
        for (Manifest.Shard s : m.shards()) {
            assertNotNull(s.sha256());
            assertTrue(Files.size(tmp.resolve("out").resolve(s.path())) == s.bytes());
            assertTrue(s.split().equals("train") || s.split().equals("val"));
            shardRows += s.rows();
        }
        assertEquals(12, shardRows);
        assertEquals(3, m.stats().get("train").mean().length);
        assertEquals(17, m.sources().stream().map(Manifest.Source::unit).distinct().count());
        assertEquals("center-crop:32:28", m.config().get("resize"));
    }

    @Test
    void kaggleLayoutUsesLocFiles() throws Exception {
        Path root = tmp.resolve("kaggle");
        writeTrain(root, "ILSVRC/Data/CLS-LOC/");
        Fixtures.put(root, "ILSVRC/Data/CLS-LOC/val/ILSVRC2012_val_00000001.JPEG", Fixtures.jpeg(64, 48, 41));
        Fixtures.put(root, "ILSVRC/Data/CLS-LOC/val/ILSVRC2012_val_00000002.JPEG", Fixtures.jpeg(64, 48, 42));
        Fixtures.put(root, "LOC_synset_mapping.txt",
                "n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\nn01484850 great white shark\n".getBytes());
        Fixtures.put(root, "LOC_val_solution.csv", ("ImageId,PredictionString\n"
                + "ILSVRC2012_val_00000001,n01443537 10 20 30 40 n01443537 1 2 3 4 \n"
                + "ILSVRC2012_val_00000002,n09999999 1 1 5 5 \n").getBytes());
        String out = tmp.resolve("out2").toUri().toString();
        PrepOptions o = PrepOptions.defaults("imagenet", root.toUri().toString(), out)
                .withResize(ResizePolicy.shorterSide(40)).withMaxRejectFraction(0.5);
        new PrepJob(spark, new ImageNetReader(), o).run();
        Map<String, Row> rows = new HashMap<>();
        for (Row row : new ShardTable(spark, out).readShards().collectAsList()) {
            rows.put(row.getAs(ShardSchema.KEY), row);
        }
        Row val = rows.get("ILSVRC/Data/CLS-LOC/val/ILSVRC2012_val_00000001.JPEG");
        assertEquals(1, (int) val.getAs(ShardSchema.LABEL));
        assertEquals(40, (int) val.getAs(ShardSchema.HEIGHT));
        assertEquals(53, (int) val.getAs(ShardSchema.WIDTH)); // 64x48 -> shorter side 40
        assertEquals(10, rows.size());
        assertTrue(new ShardTable(spark, out).readRejects().collectAsList().stream()
                .anyMatch(r -> r.getString(0).endsWith("val_00000002.JPEG") && r.getString(2).contains("n09999999")));
    }
}
