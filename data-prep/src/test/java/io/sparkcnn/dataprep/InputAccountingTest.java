package io.sparkcnn.dataprep;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.dataprep.readers.CityscapesReader;
import io.sparkcnn.dataprep.readers.CocoReader;
import io.sparkcnn.dataprep.readers.IdxReader;
import io.sparkcnn.dataprep.readers.ImageFolderReader;
import io.sparkcnn.dataprep.readers.ImageNetReader;
import io.sparkcnn.dataprep.readers.KineticsReader;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.data.ShardSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing given is lost: for every dataset kind, with the bad records real datasets hold, each
 * input record (image file, idx record, COCO image and annotation entry, Kinetics CSV row) is a
 * row, an object inside a row (COCO), or a reject with its reason, counted against the input; and
 * the reject threshold counts the same inputs.
 */
class InputAccountingTest extends SparkTestBase {
    @TempDir
    Path tmp;

    /** rows + objects carried in rows + rejects of a committed output; every reject has a reason and no source twice. */
    private static long accounted(String out) {
        ShardTable t = new ShardTable(spark, out);
        var shards = t.readShards();
        long rows = shards.count();
        assertEquals(rows, shards.select(ShardSchema.KEY).distinct().count(), "no key twice");
        long objects = 0;
        if (Arrays.asList(shards.columns()).contains(ShardSchema.OBJ_LABEL)) {
            Row r = shards.agg(sum(size(col(ShardSchema.OBJ_LABEL)))).first();
            objects = r.isNullAt(0) ? 0 : r.getLong(0);
        }
        List<Row> rejects = t.readRejects().collectAsList();
        assertEquals(rejects.size(), t.readRejects().select(RejectSchema.SOURCE).distinct().count(), "no reject twice: " + rejects);
        for (Row j : rejects) {
            assertFalse(j.<String>getAs(RejectSchema.REASON).isBlank(), j.toString());
        }
        return rows + objects + rejects.size();
    }

    /**
     * One run over everything: every input is accounted for in the output, and the run counted the
     * same inputs and rejects for its reject fraction.
     */
    private static void runAndAccount(DatasetReader reader, PrepOptions o, long inputs, long rejects) throws Exception {
        PrepResult r = new PrepJob(spark, reader, o.withMaxRejectFraction(1.0)).run();
        assertEquals(rejects, r.rejects(), r.message());
        assertEquals(inputs, r.inputs(), "inputs the reject fraction is taken of: " + r.message());
        assertEquals(inputs, accounted(o.output()));
    }

    @Test
    void idx() throws Exception {
        Path in = tmp.resolve("mnist");
        // train: 10 images, 8 labels (images 8 and 9 have none)
        Fixtures.put(in, "train-images-idx3-ubyte.gz", Fixtures.idxImages(10, 8, 8, 1, true));
        Fixtures.put(in, "train-labels-idx1-ubyte.gz", Fixtures.idxLabels(8, 10, 2, true));
        // t10k: 6 declared, 4 whole images and a cut-off fifth; 6 labels, one outside 0..9
        byte[] test = Fixtures.idxImages(6, 8, 8, 3, false);
        Fixtures.put(in, "t10k-images-idx3-ubyte", Arrays.copyOf(test, test.length - 64 - 10));
        Fixtures.put(in, "t10k-labels-idx1-ubyte", Fixtures.idxLabelsOf(0, 1, 2, 11, 4, 5));
        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("mnist", in.toUri().toString(), out);
        long inputs = 10 + 6;
        runAndAccount(new IdxReader(IdxReader.DIGITS), o, inputs, 2 + 3);
    }

    @Test
    void imageFolder() throws Exception {
        Path in = tmp.resolve("folder");
        Fixtures.put(in, "cat/1.jpg", Fixtures.jpeg(16, 16, 1));
        Fixtures.put(in, "cat/2.png", Fixtures.png(16, 12, 2));
        Fixtures.put(in, "dog/empty.jpg", new byte[0]);
        Fixtures.put(in, "dog/cut.jpg", Fixtures.truncated(Fixtures.jpeg(64, 64, 3)));
        Fixtures.put(in, "dog/text.jpg", "not an image".getBytes(StandardCharsets.UTF_8));
        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("image-folder", in.toUri().toString(), out);
        runAndAccount(new ImageFolderReader(), o, 5, 3);
    }

    @Test
    void imageNet() throws Exception {
        Path root = tmp.resolve("ilsvrc");
        ImageNetPrepTest.writeTrain(root, ""); // 13 train files, 4 of them bad
        for (int i = 1; i <= 4; i++) {
            Fixtures.put(root, String.format("val/ILSVRC2012_val_%08d.JPEG", i), Fixtures.jpeg(32, 32, 30 + i));
        }
        Fixtures.put(root, "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt", "449\n2\n1\n".getBytes());
        Fixtures.put(root, "ILSVRC2012_devkit_t12/data/meta.mat", MatWriter.meta(ImageNetPrepTest.SYNSETS));
        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("imagenet", root.toUri().toString(), out).withResize(ResizePolicy.centerCrop(32, 28));
        runAndAccount(new ImageNetReader(), o, 17, 5);
    }

    @Test
    void cocoImagesAndAnnotationsOfRejectedOrMissingImages() throws Exception {
        Path in = tmp.resolve("coco");
        Fixtures.put(in, "val2017/1.jpg", Fixtures.jpeg(40, 30, 1));
        Fixtures.put(in, "val2017/2.jpg", Fixtures.jpeg(40, 30, 2));
        Fixtures.put(in, "val2017/empty.jpg", new byte[0]);
        Fixtures.put(in, "val2017/wrongsize.jpg", Fixtures.jpeg(40, 40, 3));
        Fixtures.put(in, "val2017/twice.jpg", Fixtures.jpeg(40, 30, 4));
        String json = """
                {"images": [
                   {"id": 1, "file_name": "1.jpg", "width": 40, "height": 30},
                   {"id": 2, "file_name": "2.jpg", "width": 40, "height": 30},
                   {"id": 3, "file_name": "empty.jpg", "width": 40, "height": 30},
                   {"id": 4, "file_name": "missing.jpg", "width": 40, "height": 30},
                   {"id": 5, "file_name": "../../etc/passwd", "width": 40, "height": 30},
                   {"id": 6, "file_name": "wrongsize.jpg", "width": 10, "height": 10},
                   {"id": 7, "file_name": "twice.jpg", "width": 40, "height": 30},
                   {"id": 8, "file_name": "twice.jpg", "width": 40, "height": 30},
                   {"id": 1, "file_name": "2.jpg", "width": 40, "height": 30},
                   {"file_name": "noid.jpg"}],
                 "annotations": [
                   {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 10, 10], "area": 100, "iscrowd": 0},
                   {"id": 2, "image_id": 1, "category_id": 2, "bbox": [5, 5, 10, 10], "area": 100, "iscrowd": 0},
                   {"id": 3, "image_id": 1, "category_id": 2, "bbox": [100, 100, 10, 10], "area": 100, "iscrowd": 0},
                   {"id": 4, "image_id": 3, "category_id": 1, "bbox": [1, 1, 10, 10], "area": 100, "iscrowd": 0},
                   {"id": 5, "image_id": 3, "category_id": 2, "bbox": [1, 1, 10, 10], "area": 100, "iscrowd": 0},
                   {"id": 6, "image_id": 4, "category_id": 1, "bbox": [1, 1, 10, 10], "area": 100, "iscrowd": 0},
                   {"id": 7, "image_id": 5, "category_id": 1, "bbox": [1, 1, 10, 10], "area": 100, "iscrowd": 0},
                   {"id": 8, "image_id": 6, "category_id": 1, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
                   {"id": 9, "image_id": 7, "category_id": 1, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
                   {"id": 10, "image_id": 8, "category_id": 1, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
                   {"id": 11, "image_id": 2, "category_id": 1, "bbox": [1, 1, 0, 5], "area": 0, "iscrowd": 0},
                   {"id": 12, "image_id": 99, "category_id": 1, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
                   {"id": 13, "image_id": 2, "category_id": 77, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
                   {"id": 14, "image_id": 2, "category_id": 1, "bbox": [1, 1, 5], "area": 25, "iscrowd": 0},
                   {"id": 15, "image_id": 2, "category_id": 1, "bbox": [2, 2, 5, 5], "area": 25, "iscrowd": 0}],
                 "categories": [{"id": 1, "name": "person"}, {"id": 2, "name": "bicycle"}]}
                """;
        Fixtures.put(in, "annotations/instances_val2017.json", json.getBytes(StandardCharsets.UTF_8));
        JsonNode parsed = new ObjectMapper().readTree(json);
        long inputs = parsed.get("images").size() + parsed.get("annotations").size();
        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("coco", in.toUri().toString(), out);
        // rows: images 1, 2, 7; objects: 1, 2 (image 1), 15 (image 2), 9 (image 7); everything else a reject
        runAndAccount(new CocoReader(), o, inputs, inputs - 3 - 4);
        List<String> sources = new ShardTable(spark, out).readRejects().select(RejectSchema.SOURCE).collectAsList().stream()
                .map(r -> r.getString(0)).toList();
        String src = "annotations/instances_val2017.json";
        for (String s : List.of("val2017/empty.jpg#ann=4", "val2017/empty.jpg#ann=5", src + "#ann=6", src + "#ann=7",
                "val2017/wrongsize.jpg#ann=8", src + "#ann=10", src + "#image=8", src + "#image=1")) {
            assertTrue(sources.contains(s), s + " in " + sources);
        }
    }

    @Test
    void cityscapes() throws Exception {
        Path in = tmp.resolve("cityscapes");
        String[] names = {"aachen_000000_000019", "aachen_000001_000019", "bochum_000000_000313", "lindau_000000_000019"};
        for (int i = 0; i < names.length; i++) {
            Fixtures.put(in, "leftImg8bit/train/" + names[i].split("_")[0] + "/" + names[i] + "_leftImg8bit.png", Fixtures.png(32, 16, i));
        }
        Fixtures.put(in, "gtFine/train/aachen/" + names[0] + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(CityscapesPrepTest.labelIds(32, 16)));
        Fixtures.put(in, "gtFine/train/bochum/" + names[2] + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(CityscapesPrepTest.labelIds(16, 8)));
        int[] bad = CityscapesPrepTest.labelIds(32, 16).values().clone();
        bad[3] = 40;
        Fixtures.put(in, "gtFine/train/lindau/" + names[3] + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(new GrayImage(32, 16, bad)));
        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("cityscapes", in.toUri().toString(), out);
        runAndAccount(new CityscapesReader(), o, 4, 3);
    }

    @Test
    void kineticsCsvRows() throws Exception {
        KineticsPrepTest.shared = tmp;
        byte[] good = KineticsPrepTest.clip(KineticsPrepTest.FRAMES, 1);
        Path in = tmp.resolve("k400");
        String csv = KineticsPrepTest.HEADER
                + "abseiling,goodclip001,0,10,train\n"
                + "abseiling,goodclip001,0,10,train\n"       // duplicate row
                + "zumba,missingclip,30,40,train\n"
                + "zumba,zerobyte001,0,10,train\n"
                + "zumba,broken line\n"
                + "zumba,holdout0001,0,10,holdout\n"
                + ",nolabel0001,0,10,test\n";
        Fixtures.put(in, "annotations/train.csv", csv.getBytes(StandardCharsets.UTF_8));
        Fixtures.put(in, "train/abseiling/goodclip001_000000_000010.mp4", good);
        Fixtures.put(in, "train/zumba/zerobyte001_000000_000010.mp4", new byte[0]);
        Fixtures.put(in, "test/nolabel0001_000000_000010.mp4", good);
        String out = tmp.resolve("out").toUri().toString();
        PrepOptions o = PrepOptions.defaults("kinetics", in.toUri().toString(), out);
        runAndAccount(new KineticsReader(), o, 7, 6);
    }
}
