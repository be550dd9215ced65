package io.sparkcnn.model.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.model.metrics.CocoCategories;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The file's shape here; that pycocotools' loadRes reads it back exactly is CocoEvalPythonTest's. */
class CocoResultsWriterTest {
    private static final CocoCategories CATS = new CocoCategories(new int[] {1, 5, 90}, List.of("a", "b", "c"));

    @Test
    void writesImageCategoryIdXywhAndScore() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CocoResultsWriter w = new CocoResultsWriter(bytes, CATS)) {
            Detections d = new Detections();
            d.add(10, 20, 40.5f, 21f, 0.75f, 2);
            d.add(0.1f, 0, 1, 1, 0.125f, 0);
            w.write(397133L, d);
            w.write(12L, new Detections());
            d.clear();
            d.add(1, 2, 3, 5, 1f, 1);
            w.write(8L, d);
            assertEquals(3, w.written());
        }
        JsonNode a = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(3, a.size());
        JsonNode first = a.get(0);
        assertEquals(397133L, first.get("image_id").asLong());
        assertEquals(90, first.get("category_id").asInt(), "the original COCO id of class 2");
        assertEquals(10.0, first.get("bbox").get(0).asDouble());
        assertEquals(20.0, first.get("bbox").get(1).asDouble());
        assertEquals(30.5, first.get("bbox").get(2).asDouble());
        assertEquals(1.0, first.get("bbox").get(3).asDouble());
        assertEquals(0.75, first.get("score").asDouble());
        // the float 0.1 as the double it is, so a reader gets the evaluated number exactly
        assertEquals((double) 0.1f, a.get(1).get("bbox").get(0).asDouble(), 0.0);
        assertEquals(1.0 - (double) 0.1f, a.get(1).get("bbox").get(2).asDouble(), 0.0);
        assertEquals(1, a.get(1).get("category_id").asInt());
        assertEquals(8L, a.get(2).get("image_id").asLong());
        assertEquals(5, a.get(2).get("category_id").asInt());
        assertEquals(3.0, a.get(2).get("bbox").get(3).asDouble());
    }

    @Test
    void emptyResultsAreAnEmptyListAndBadDetectionsAreRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new CocoResultsWriter(bytes, CATS).close();
        assertEquals("[]", bytes.toString(StandardCharsets.UTF_8));
        CocoResultsWriter w = new CocoResultsWriter(new ByteArrayOutputStream(), CATS);
        Detections d = new Detections();
        d.add(0, 0, 1, 1, Float.POSITIVE_INFINITY, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(3, d));
        assertTrue(e.getMessage().contains("image 3 detection 0"), e.getMessage());
        Detections unknown = new Detections();
        unknown.add(0, 0, 1, 1, 0.5f, 3);
        assertThrows(IllegalArgumentException.class, () -> w.write(3, unknown));
    }
}
