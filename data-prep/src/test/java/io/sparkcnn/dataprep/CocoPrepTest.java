package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.readers.CocoReader;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.data.ShardSchema;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COCO 2017 layout: streamed instances json, boxes clipped and counted, crowd RLE and polygons, bad entries. */
class CocoPrepTest extends SparkTestBase {
    @TempDir
    Path tmp;

    @Test
    void instancesAreShardedWithContiguousLabelsMasksAndRejects() throws Exception {
        Path in = tmp.resolve("coco");
        Fixtures.put(in, "val2017/000000000139.jpg", Fixtures.jpeg(64, 48, 1));
        Fixtures.put(in, "val2017/000000000285.jpg", Fixtures.jpeg(40, 40, 2));
        Fixtures.put(in, "val2017/000000000632.jpg", new byte[0]);
        // crowd RLE of 64x48, column-major: first column all zero (48), then 2 ones, rest zeros
        String json = """
                {"info": {"year": 2017}, "licenses": [],
                 "images": [
                   {"id": 139, "file_name": "000000000139.jpg", "width": 64, "height": 48},
                   {"id": 285, "file_name": "000000000285.jpg", "width": 40, "height": 40},
                   {"id": 632, "file_name": "000000000632.jpg", "width": 10, "height": 10},
                   {"id": 724, "file_name": "000000000724.jpg", "width": 10, "height": 10},
                   {"id": 666, "file_name": "../../etc/passwd", "width": 10, "height": 10}],
                 "annotations": [
                   {"id": 1, "image_id": 139, "category_id": 90, "bbox": [10, 8, 20, 16], "area": 320, "iscrowd": 0,
                    "segmentation": [[10, 8, 30, 8, 30, 24, 10, 24]]},
                   {"id": 2, "image_id": 139, "category_id": 1, "bbox": [50, 40, 30, 20], "area": 100, "iscrowd": 0,
                    "segmentation": [[50, 40, 63, 40, 63, 47]]},
                   {"id": 3, "image_id": 139, "category_id": 1, "bbox": [0, 0, 2, 2], "area": 2, "iscrowd": 1,
                    "segmentation": {"counts": [48, 2, 3022], "size": [48, 64]}},
                   {"id": 4, "image_id": 285, "category_id": 1, "bbox": [5, 5, 0, 7], "area": 0, "iscrowd": 0},
                   {"id": 5, "image_id": 999, "category_id": 1, "bbox": [1, 1, 1, 1], "area": 1, "iscrowd": 0},
                   {"id": 6, "image_id": 285, "category_id": 12, "bbox": [1, 1, 1, 1], "area": 1, "iscrowd": 0},
                   {"id": 7, "image_id": 285, "category_id": 1, "bbox": [1, 1, 1], "area": 1, "iscrowd": 0}],
                 "categories": [{"id": 1, "name": "person"}, {"id": 90, "name": "toothbrush"}, {"id": 2, "name": "bicycle"}]}
                """;
        Fixtures.put(in, "annotations/instances_val2017.json", json.getBytes());
        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("coco", in.toUri().toString(), out)
                .withResize(ResizePolicy.shorterSide(24)).withMaxRejectFraction(0.9);
        new PrepJob(spark, new CocoReader(), o).run();

        Map<String, Row> rows = new HashMap<>();
        for (Row r : new ShardTable(spark, out).readShards().collectAsList()) {
            rows.put(r.getAs(ShardSchema.KEY), r);
        }
        assertEquals(2, rows.size(), rows.keySet().toString());
        Row r = rows.get("val2017/000000000139.jpg");
        assertNotNull(r);
        assertEquals(139L, (long) r.getAs(ShardSchema.IMAGE_ID));
        assertEquals(32, (int) r.getAs(ShardSchema.WIDTH));
        assertEquals(List.of(2, 0, 0), r.getList(r.fieldIndex(ShardSchema.OBJ_LABEL))); // ids 1,2,90 -> 0,1,2
        assertEquals(List.of(90, 1, 1), r.getList(r.fieldIndex(ShardSchema.OBJ_CATEGORY_ID)));
        assertEquals(List.of(0, 0, 1), r.getList(r.fieldIndex(ShardSchema.OBJ_ISCROWD)));
        assertEquals(List.of(0, 1, 0), r.getList(r.fieldIndex(ShardSchema.OBJ_CLIPPED)));
        List<Float> box = r.getList(r.fieldIndex(ShardSchema.OBJ_BBOX));
        assertEquals(List.of(5f, 4f, 10f, 8f), box.subList(0, 4)); // scaled by 0.5
        assertEquals(List.of(25f, 20f, 7f, 4f), box.subList(4, 8)); // clipped to 32x24
        List<byte[]> masks = r.getList(r.fieldIndex(ShardSchema.OBJ_MASK));
        GrayImage poly = new ImageCodec().decodeGray(masks.get(0));
        assertEquals(32, poly.width());
        assertEquals(1, poly.values()[8 * 32 + 8]);
        assertEquals(0, poly.values()[0]);
        GrayImage rle = new ImageCodec().decodeGray(masks.get(2));
        // the crowd run covers source pixels (1,0) and (1,1); nearest sampling of 32x24 reads source (1,1) at (0,0)
        assertEquals(1, rle.values()[0]);
        assertEquals(1, java.util.Arrays.stream(rle.values()).sum());
        Row empty = rows.get("val2017/000000000285.jpg");
        assertEquals(0, empty.getList(empty.fieldIndex(ShardSchema.OBJ_LABEL)).size());

        Map<String, String> rejects = new HashMap<>();
        for (Row j : new ShardTable(spark, out).readRejects().collectAsList()) {
            rejects.put(j.getAs(RejectSchema.SOURCE), j.getAs(RejectSchema.REASON));
        }
        String src = "annotations/instances_val2017.json";
        assertTrue(rejects.get(src + "#ann=4").contains("zero-area"), rejects.toString());
        assertTrue(rejects.get(src + "#ann=5").contains("not in images"), rejects.toString());
        assertTrue(rejects.get(src + "#ann=6").contains("not in categories"), rejects.toString());
        assertTrue(rejects.get(src + "#ann=7").contains("bbox"), rejects.toString());
        assertTrue(rejects.get("val2017/000000000724.jpg").contains("missing"), rejects.toString());
        assertTrue(rejects.get(src + "#image=666").contains("escapes"), rejects.toString());
        assertTrue(rejects.get("val2017/000000000632.jpg").contains("empty"), rejects.toString());
        assertEquals(7, rejects.size(), rejects.toString());
    }
}
