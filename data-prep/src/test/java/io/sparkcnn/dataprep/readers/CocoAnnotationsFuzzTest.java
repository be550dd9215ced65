package io.sparkcnn.dataprep.readers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.model.data.GrayImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * COCO annotation JSON: any bytes give images, annotations and problems that each name the file,
 * or a SourceFormatException naming it; any segmentation (polygons, RLE, compressed RLE) gives a
 * mask of the image's size or an IOException with a reason. Nothing else. See docs/fuzzing.md.
 */
class CocoAnnotationsFuzzTest {
    private static final String SOURCE = "annotations/instances_fuzz.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @FuzzTest(maxDuration = "4m")
    void annotations(byte[] bytes) throws IOException {
        CocoAnnotations a;
        try {
            a = CocoAnnotations.read(new ByteArrayInputStream(bytes), SOURCE);
        } catch (SourceFormatException e) {
            FuzzContract.assertNamesFile(e, SOURCE);
            return;
        }
        for (String[] p : a.problems) {
            assertTrue(p[0].startsWith(SOURCE + "#"), p[0]);
            assertTrue(!p[2].isBlank(), "problem without a reason");
        }
        // what CocoReader relies on for every kept annotation
        for (List<JsonNode> anns : a.annotations.values()) {
            for (JsonNode n : anns) {
                assertTrue(a.categories.containsKey(n.get("category_id").asInt()));
                assertTrue(n.get("bbox").size() == 4);
            }
        }
    }

    /** The segmentation of one annotation, for an image of up to 64 x 64. */
    @FuzzTest(maxDuration = "4m")
    void masks(FuzzedDataProvider data) {
        int w = data.consumeInt(1, 64);
        int h = data.consumeInt(1, 64);
        JsonNode seg;
        try {
            seg = MAPPER.readTree(data.consumeRemainingAsString());
        } catch (IOException e) {
            return; // not JSON: CocoAnnotations refuses it before any mask is made
        }
        if (seg == null) {
            return;
        }
        try {
            GrayImage m = CocoMasks.mask(seg, w, h);
            assertTrue(m.width() == w && m.height() == h && m.values().length == w * h);
            for (int v : m.values()) {
                assertTrue(v == 0 || v == 1, "mask value " + v);
            }
        } catch (IOException e) {
            FuzzContract.assertReason(e);
        }
    }
}
