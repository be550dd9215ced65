package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.readers.CityscapesReader;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.data.ShardSchema;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cityscapes leftImg8bit + gtFine pairs: trainId mapping, ignore 255, size checks, missing masks. */
class CityscapesPrepTest extends SparkTestBase {
    @TempDir
    Path tmp;

    static GrayImage labelIds(int w, int h) {
        int[] v = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = x < w / 2 ? 7 : (y < h / 2 ? 26 : 0); // road | car / unlabeled
            }
        }
        return new GrayImage(w, h, v);
    }

    @Test
    void pairsAreMappedToTrainIdsAndBadPairsRejected() throws Exception {
        Path in = tmp.resolve("cityscapes");
        String a = "aachen_000000_000019";
        Fixtures.put(in, "leftImg8bit/train/aachen/" + a + "_leftImg8bit.png", Fixtures.png(64, 32, 1));
        Fixtures.put(in, "gtFine/train/aachen/" + a + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(labelIds(64, 32)));
        Fixtures.put(in, "gtFine/train/aachen/" + a + "_gtFine_instanceIds.png",
                ImageCodec.encodeGrayPng(new GrayImage(64, 32, new int[64 * 32])));
        Fixtures.put(in, "gtFine/train/aachen/" + a + "_gtFine_color.png", Fixtures.png(64, 32, 2));
        String b = "bochum_000000_000313";
        Fixtures.put(in, "leftImg8bit/train/bochum/" + b + "_leftImg8bit.png", Fixtures.png(64, 32, 3));
        Fixtures.put(in, "gtFine/train/bochum/" + b + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(labelIds(32, 16)));
        String c = "frankfurt_000000_000294";
        Fixtures.put(in, "leftImg8bit/val/frankfurt/" + c + "_leftImg8bit.png", Fixtures.png(64, 32, 4));
        String d = "lindau_000000_000019";
        Fixtures.put(in, "leftImg8bit/val/lindau/" + d + "_leftImg8bit.png", Fixtures.png(64, 32, 5));
        int[] bad = labelIds(64, 32).values().clone();
        bad[5] = 40;
        Fixtures.put(in, "gtFine/val/lindau/" + d + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(new GrayImage(64, 32, bad)));
        String e = "munster_000000_000019";
        Fixtures.put(in, "leftImg8bit/val/munster/" + e + "_leftImg8bit.png", Fixtures.png(64, 32, 6));
        Fixtures.put(in, "gtFine/val/munster/" + e + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(labelIds(64, 32)));

        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("cityscapes", in.toUri().toString(), out)
                .withResize(ResizePolicy.shorterSide(16)).withEncoding(io.sparkcnn.model.data.EncodingPolicy.PNG)
                .withMaxRejectFraction(0.7);
        PrepResult r = new PrepJob(spark, new CityscapesReader(), o).run();
        assertEquals(2, r.rowsWritten());
        Map<String, Row> rows = new HashMap<>();
        for (Row row : new ShardTable(spark, out).readShards().collectAsList()) {
            rows.put(row.getAs(ShardSchema.KEY), row);
        }
        Row row = rows.get("leftImg8bit/train/aachen/" + a + "_leftImg8bit.png");
        assertNotNull(row, rows.keySet().toString());
        assertEquals(32, (int) row.getAs(ShardSchema.WIDTH));
        assertEquals(16, (int) row.getAs(ShardSchema.HEIGHT));
        GrayImage mask = new ImageCodec().decodeGray(row.getAs(ShardSchema.MASK));
        assertEquals(32, mask.width());
        assertEquals(16, mask.height());
        assertEquals(0, mask.values()[0]); // labelId 7 road -> trainId 0
        assertEquals(13, mask.values()[31]); // labelId 26 car -> trainId 13
        assertEquals(255, mask.values()[15 * 32 + 31]); // labelId 0 -> ignore
        assertTrue(row.isNullAt(row.fieldIndex(ShardSchema.INSTANCE)), "instances only when asked");

        Map<String, String> rejects = new HashMap<>();
        for (Row rj : new ShardTable(spark, out).readRejects().collectAsList()) {
            rejects.put(rj.getAs(RejectSchema.SOURCE), rj.getAs(RejectSchema.REASON));
        }
        assertEquals(3, rejects.size(), rejects.toString());
        assertTrue(rejects.get("gtFine/train/bochum/" + b + "_gtFine_labelIds.png").contains("32x16"));
        assertTrue(rejects.get("gtFine/val/frankfurt/" + c + "_gtFine_labelIds.png").contains("missing"));
        assertTrue(rejects.get("gtFine/val/lindau/" + d + "_gtFine_labelIds.png").contains("label id 40"));
        assertArrayEquals(new int[] {255, 255, 255, 255, 255, 255, 255, 0, 1}, java.util.Arrays.copyOf(CityscapesReader.TRAIN_ID, 9));
    }

    @Test
    void defaultEncodingKeepsCityscapesPngImagesLossless() throws Exception {
        Path in = tmp.resolve("cityscapes-keep");
        String a = "aachen_000000_000019";
        io.sparkcnn.model.data.RgbImage photo = Fixtures.photo(40, 20, 7);
        Fixtures.put(in, "leftImg8bit/train/aachen/" + a + "_leftImg8bit.png", ImageCodec.encodePng(photo));
        Fixtures.put(in, "gtFine/train/aachen/" + a + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(labelIds(40, 20)));
        String out = tmp.resolve("out-keep").toUri().toString();
        PrepOptions o = PrepOptions.defaults("cityscapes", in.toUri().toString(), out);
        assertEquals(io.sparkcnn.model.data.EncodingPolicy.KEEP, o.encoding(), "keep is the default");
        new PrepJob(spark, new CityscapesReader(), o).run();
        Row row = new ShardTable(spark, out).readShards().collectAsList().get(0);
        assertEquals(ShardSchema.ENC_PNG, row.getAs(ShardSchema.ENCODING));
        assertArrayEquals(photo.pixels(), new ImageCodec().decode(row.getAs(ShardSchema.IMAGE)).image().pixels(),
                "the stored image is the source's exact pixels");
    }
}
