package io.sparkcnn.dataprep.readers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams a COCO {@code instances_<split>.json} with Jackson's streaming parser: the file is never one
 * string or one Spark record; each entry of {@code images}, {@code annotations} and {@code categories}
 * is read as a small tree and dropped. Entries that make no sense become problems (rejects).
 */
final class CocoAnnotations {
    /** An image entry. */
    record Image(long id, String fileName, int width, int height) {
    }

    /** Result: images by id, annotations (raw JSON) per image id, categories id -> name, problems. */
    final Map<Long, Image> images = new LinkedHashMap<>();
    final Map<Long, List<JsonNode>> annotations = new HashMap<>();
    final TreeMap<Integer, String> categories = new TreeMap<>();
    final List<String[]> problems = new ArrayList<>(); // {source, stage, reason}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static CocoAnnotations read(InputStream in, String source) throws IOException {
        CocoAnnotations a = new CocoAnnotations();
        List<JsonNode> anns = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(in)) {
            p.setCodec(MAPPER);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new SourceFormatException(source, "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY && (field.equals("images") || field.equals("annotations") || field.equals("categories"))) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode n = p.readValueAsTree();
                        switch (field) {
                            case "images" -> a.addImage(n, source);
                            case "categories" -> a.addCategory(n, source);
                            default -> anns.add(n);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (java.io.CharConversionException e) {
            // Jackson detects UTF-16/32 from the first bytes; bytes that are no text in it end here
            throw new SourceFormatException(source, "not JSON text (no valid UTF-8, UTF-16 or UTF-32): " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            // Jackson's own message carries a source excerpt; the location is what a user needs
            JsonLocation at = e.getLocation();
            throw new SourceFormatException(source, "malformed JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage(), e);
        }
        // categories come last in the published files: check annotations once everything is known
        for (JsonNode n : anns) {
            a.addAnnotation(n, source);
        }
        return a;
    }

    private void addImage(JsonNode n, String source) {
        if (!n.path("id").canConvertToLong() || !n.path("file_name").isTextual()) {
            problems.add(new String[] {source + "#image", "annotation", "image entry without id or file_name: " + clip(n)});
            return;
        }
        if (images.containsKey(n.get("id").asLong())) {
            problems.add(new String[] {source + "#image=" + n.get("id").asLong(), "annotation",
                    "duplicate image id " + n.get("id").asLong() + " (file_name " + n.get("file_name").asText() + ")"});
            return;
        }
        images.put(n.get("id").asLong(), new Image(n.get("id").asLong(), n.get("file_name").asText(),
                n.path("width").asInt(-1), n.path("height").asInt(-1)));
    }

    private void addCategory(JsonNode n, String source) {
        if (!n.path("id").canConvertToInt()) {
            problems.add(new String[] {source + "#category", "annotation", "category without id: " + clip(n)});
            return;
        }
        categories.put(n.get("id").asInt(), n.path("name").asText(""));
    }

    private void addAnnotation(JsonNode n, String source) {
        String where = source + "#ann=" + n.path("id").asText("?");
        JsonNode bbox = n.path("bbox");
        if (!n.path("image_id").canConvertToLong() || !n.path("category_id").canConvertToInt()) {
            problems.add(new String[] {where, "annotation", "annotation without image_id or category_id"});
        } else if (!images.containsKey(n.get("image_id").asLong())) {
            problems.add(new String[] {where, "annotation", "image_id " + n.get("image_id").asLong() + " is not in images"});
        } else if (!categories.containsKey(n.get("category_id").asInt())) {
            problems.add(new String[] {where, "annotation", "category_id " + n.get("category_id").asInt() + " is not in categories"});
        } else if (!bbox.isArray() || bbox.size() != 4 || !allNumbers(bbox)) {
            problems.add(new String[] {where, "annotation", "bbox is not [x,y,w,h]: " + clip(bbox)});
        } else if (bbox.get(2).asDouble() <= 0 || bbox.get(3).asDouble() <= 0) {
            problems.add(new String[] {where, "annotation", "zero-area box " + bbox});
        } else {
            annotations.computeIfAbsent(n.get("image_id").asLong(), k -> new ArrayList<>()).add(n);
        }
    }

    private static boolean allNumbers(JsonNode a) {
        for (JsonNode x : a) {
            if (!x.isNumber()) {
                return false;
            }
        }
        return true;
    }

    private static String clip(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
