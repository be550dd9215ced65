package io.sparkcnn.dataprep.readers;

import io.sparkcnn.dataprep.Fixtures;
import io.sparkcnn.dataprep.MatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the valid seed files of data-prep's fuzz corpora (docs/fuzzing.md) from the same
 * fixtures the prep tests use. Run from the module directory; crash inputs are added by hand.
 */
public final class DataPrepFuzzSeeds {
    private static final Path RES = Path.of("src/test/resources/io/sparkcnn/dataprep/readers");

    private DataPrepFuzzSeeds() {
    }

    public static void main(String[] args) throws IOException {
        String coco = """
                {"info": {"year": 2017}, "licenses": [],
                 "images": [
                   {"id": 139, "file_name": "000000000139.jpg", "width": 64, "height": 48},
                   {"id": 285, "file_name": "000000000285.jpg", "width": 40, "height": 40},
                   {"id": 666, "file_name": "../../etc/passwd", "width": 10, "height": 10}],
                 "annotations": [
                   {"id": 1, "image_id": 139, "category_id": 90, "bbox": [10, 8, 20, 16], "area": 320, "iscrowd": 0,
                    "segmentation": [[10, 8, 30, 8, 30, 24, 10, 24]]},
                   {"id": 3, "image_id": 139, "category_id": 1, "bbox": [0, 0, 2, 2], "area": 2, "iscrowd": 1,
                    "segmentation": {"counts": [48, 2, 3022], "size": [48, 64]}},
                   {"id": 4, "image_id": 285, "category_id": 1, "bbox": [5, 5, 0, 7], "area": 0, "iscrowd": 0},
                   {"id": 5, "image_id": 999, "category_id": 1, "bbox": [1, 1, 1, 1], "area": 1, "iscrowd": 0},
                   {"id": 7, "image_id": 285, "category_id": 1, "bbox": [1, 1, 1], "area": 1, "iscrowd": 0}],
                 "categories": [{"id": 1, "name": "person"}, {"id": 90, "name": "toothbrush"}]}
                """;
        put("CocoAnnotationsFuzzTestInputs/annotations/instances_small.json", coco.getBytes(StandardCharsets.UTF_8));
        // masks: 2 bytes of image size (consumed from the end by FuzzedDataProvider), then the segmentation JSON
        put("CocoAnnotationsFuzzTestInputs/masks/polygon", mask("[[1, 1, 6, 1, 6, 5, 1, 5]]"));
        put("CocoAnnotationsFuzzTestInputs/masks/rle", mask("{\"counts\": [3, 2, 59], \"size\": [8, 8]}"));
        put("CocoAnnotationsFuzzTestInputs/masks/compressed-rle", mask("{\"counts\": \"52203\", \"size\": [8, 8]}"));

        String kinetics = "label,youtube_id,time_start,time_end,split\n"
                + "abseiling,-abc_DEF-12,10,20,train\n"
                + "\"air drumming\",a_b-c_d-e_f,0,10,train\n"
                + "zumba,broken line\n"
                + "zumba,holdout0001,0,10,holdout\n"
                + "\"air drumming\",val-clip_01,100,110,validate\n";
        put("KineticsReaderFuzzTestInputs/csv/train.csv", kinetics.getBytes(StandardCharsets.UTF_8));

        byte[] meta = MatWriter.meta(List.of(
                new MatWriter.Synset(1, "n01440764", "tench, Tinca tinca"),
                new MatWriter.Synset(2, "n01443537", "goldfish, Carassius auratus"),
                new MatWriter.Synset(1001, "n00001740", "entity")));
        put("ImageNetReaderFuzzTestInputs/metaMat/meta.mat", meta);
        // the same, stored uncompressed: lets the fuzzer mutate the matrix structure, not deflate bytes
        put("ImageNetReaderFuzzTestInputs/metaMat/meta-uncompressed.mat", uncompressed(meta));
        put("ImageNetReaderFuzzTestInputs/labelFiles/LOC_val_solution.csv",
                ("ImageId,PredictionString\nILSVRC2012_val_00000001,n01751748 43 0 469 374 n01751748 1 2 3 4\n"
                        + "ILSVRC2012_val_00000002,n09193705 1 2 3 4\n").getBytes(StandardCharsets.UTF_8));
        put("ImageNetReaderFuzzTestInputs/labelFiles/ILSVRC2012_validation_ground_truth.txt", "1\n2\n\n7\n".getBytes(StandardCharsets.UTF_8));

        // pair: FuzzedDataProvider takes the raw flag and the images length from the end, then images, then labels
        byte[] images = Fixtures.idxImages(3, 4, 5, 1, false);
        byte[] labels = Fixtures.idxLabelsOf(1, 7, 12);
        put("IdxReaderFuzzTestInputs/pair/plain", pair(images, labels, true));
        put("IdxReaderFuzzTestInputs/pair/gzip-png", pair(Fixtures.idxImages(2, 3, 3, 2, true), Fixtures.idxLabels(2, 10, 2, true), false));
    }

    /** Header + the inflated first element (a MAT file's compressed element holds a whole element). */
    private static byte[] uncompressed(byte[] mat) throws IOException {
        java.util.zip.Inflater inf = new java.util.zip.Inflater();
        inf.setInput(mat, 136, mat.length - 136);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(mat, 0, 128);
        byte[] buf = new byte[1 << 16];
        try {
            while (!inf.finished()) {
                b.write(buf, 0, inf.inflate(buf));
            }
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException(e);
        } finally {
            inf.end();
        }
        return b.toByteArray();
    }

    private static byte[] mask(String json) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        b.write(7); // height 8 (consumeInt(1, 64) reads one byte from the end)
        b.write(7); // width 8
        return b.toByteArray();
    }

    private static byte[] pair(byte[] images, byte[] labels, boolean raw) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(images);
        b.writeBytes(labels);
        // read from the end: the flag, then consumeInt(0, 65536)'s 3 bytes, most significant first
        int n = images.length;
        b.write(n & 0xff);
        b.write((n >> 8) & 0xff);
        b.write((n >> 16) & 0xff);
        b.write(raw ? 1 : 0);
        return b.toByteArray();
    }

    private static void put(String rel, byte[] bytes) throws IOException {
        Path p = RES.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }
}
