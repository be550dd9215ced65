package io.sparkcnn.dataprep.readers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkcnn.dataprep.DatasetFs;
import io.sparkcnn.dataprep.DatasetReader;
import io.sparkcnn.dataprep.Emitter;
import io.sparkcnn.dataprep.ImagePipeline;
import io.sparkcnn.dataprep.PrepOptions;
import io.sparkcnn.dataprep.ProcessedImage;
import io.sparkcnn.dataprep.SourceFile;
import io.sparkcnn.dataprep.SourceUnit;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * COCO 2017 detection: {@code annotations/instances_<split>.json} (streamed, see CocoAnnotations) with
 * images under {@code <split>/<file_name>}. One unit per image; its annotations travel in the unit
 * (so a changed annotation redoes only that image). Contiguous class index = position of the
 * category id among the sorted ids (80 for COCO); the original id is kept. Annotation problems
 * (missing image or category, bad or zero-area box, escaping file_name) form a unit of the json.
 */
public final class CocoReader implements DatasetReader {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "annotations/instances_";

    private transient TreeMap<Integer, String> categories;

    @Override
    public Task task() {
        return Task.DETECTION;
    }

    @Override
    public Map<Integer, String> classes(DatasetFs fs) throws IOException {
        if (categories == null) {
            list(fs);
        }
        Map<Integer, String> m = new LinkedHashMap<>();
        int i = 0;
        for (var e : categories.entrySet()) {
            m.put(i++, e.getValue() + " (id " + e.getKey() + ")");
        }
        return m;
    }

    @Override
    public List<SourceUnit> list(DatasetFs fs) throws IOException {
        categories = new TreeMap<>();
        List<SourceUnit> units = new ArrayList<>();
        for (SourceFile json : fs.listFiles("annotations")) {
            String name = json.path();
            if (!name.startsWith(PREFIX) || !name.endsWith(".json")) {
                continue;
            }
            String split = name.substring(PREFIX.length(), name.length() - ".json".length());
            CocoAnnotations a;
            List<String[]> problems = new ArrayList<>();
            try (InputStream in = fs.open(name)) {
                a = CocoAnnotations.read(in, name);
            } catch (IOException | RuntimeException e) {
                problems.add(new String[] {name, "annotation", "malformed annotation file: " + e.getMessage()});
                units.add(problemUnit(json, split, problems));
                continue;
            }
            problems.addAll(a.problems);
            categories.putAll(a.categories);
            Map<Integer, Integer> contiguous = new HashMap<>();
            int idx = 0;
            for (int id : a.categories.keySet()) {
                contiguous.put(id, idx++);
            }
            Map<String, SourceFile> byPath = new HashMap<>();
            for (SourceFile f : fs.listFiles(split)) {
                byPath.put(f.path(), f);
            }
            Map<String, Long> imageOfPath = new HashMap<>();
            for (CocoAnnotations.Image img : a.images.values()) {
                String rel = split + "/" + img.fileName();
                String refused = null;
                try {
                    fs.resolve(rel);
                } catch (DatasetFs.EscapeException e) {
                    problems.add(new String[] {name + "#image=" + img.id(), "path", e.getMessage()});
                    refused = "its image entry " + img.id() + " was rejected (path)";
                }
                SourceFile f = refused != null ? null : byPath.get(java.nio.file.Path.of(rel).normalize().toString());
                if (refused == null && f == null) {
                    problems.add(new String[] {rel, "read", "image file missing (image id " + img.id() + ")"});
                    refused = "its image " + rel + " is missing";
                }
                Long other = f == null ? null : imageOfPath.putIfAbsent(f.path(), img.id());
                if (other != null) {
                    problems.add(new String[] {name + "#image=" + img.id(), "annotation",
                            "file_name " + img.fileName() + " is already used by image id " + other});
                    refused = "its image entry " + img.id() + " was rejected (file_name used twice)";
                }
                if (refused != null) {
                    // the image's annotations go with it: every given record is a row, an object or a reject
                    for (JsonNode n : a.annotations.getOrDefault(img.id(), List.of())) {
                        problems.add(new String[] {name + "#ann=" + n.path("id").asText("?"), "annotation", refused});
                    }
                    continue;
                }
                ArrayNode anns = MAPPER.createArrayNode();
                for (JsonNode n : a.annotations.getOrDefault(img.id(), List.of())) {
                    ObjectNode o = anns.addObject();
                    o.put("id", n.path("id").asLong());
                    o.put("l", contiguous.get(n.get("category_id").asInt()));
                    o.put("c", n.get("category_id").asInt());
                    o.set("b", n.get("bbox"));
                    o.put("a", n.path("area").asDouble());
                    o.put("z", n.path("iscrowd").asInt());
                    if (n.has("segmentation")) {
                        o.set("s", n.get("segmentation"));
                    }
                }
                units.add(new SourceUnit(f.path(), split, List.of(f), Map.of("image_id", Long.toString(img.id()),
                        "width", Integer.toString(img.width()), "height", Integer.toString(img.height()),
                        "anns", anns.toString())));
            }
            if (!problems.isEmpty()) {
                units.add(problemUnit(json, split, problems));
            }
        }
        return units;
    }

    private static SourceUnit problemUnit(SourceFile json, String split, List<String[]> problems) throws IOException {
        return new SourceUnit(json.path(), split, List.of(json), Map.of("problems", MAPPER.writeValueAsString(problems)));
    }

    private static void rejectAnnotations(SourceUnit unit, JsonNode anns, String reason, Emitter out) {
        for (JsonNode a : anns) {
            out.reject(unit.id() + "#ann=" + a.get("id").asLong(), "annotation", reason);
        }
    }

    @Override
    public void process(SourceUnit unit, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out) {
        try {
            if (unit.attr("problems") != null) {
                for (JsonNode p : MAPPER.readTree(unit.attr("problems"))) {
                    out.reject(p.get(0).asText(), p.get(1).asText(), p.get(2).asText());
                }
                return;
            }
            JsonNode anns = MAPPER.readTree(unit.attr("anns"));
            ProcessedImage img = ImageFiles.load(unit.id(), fs, pipeline, options, out);
            if (img == null) {
                rejectAnnotations(unit, anns, "its image " + unit.id() + " was rejected", out);
                return;
            }
            int sw = img.sourceWidth();
            int sh = img.sourceHeight();
            int jw = Integer.parseInt(unit.attr("width"));
            int jh = Integer.parseInt(unit.attr("height"));
            if (jw > 0 && jh > 0 && (jw != sw || jh != sh)) {
                out.reject(unit.id(), "annotation", "annotations say " + jw + "x" + jh + ", image is " + sw + "x" + sh);
                rejectAnnotations(unit, anns, "its image " + unit.id() + " was rejected (size differs from the json)", out);
                return;
            }
            ResizePolicy.Geometry g = pipeline.resize().geometry(sw, sh);
            double fx = g.scaleX(sw);
            double fy = g.scaleY(sh);
            List<Integer> labels = new ArrayList<>();
            List<Integer> cats = new ArrayList<>();
            List<Float> boxes = new ArrayList<>();
            List<Float> areas = new ArrayList<>();
            List<Integer> crowd = new ArrayList<>();
            List<byte[]> masks = new ArrayList<>();
            List<Integer> clipped = new ArrayList<>();
            for (JsonNode a : anns) {
                String where = unit.id() + "#ann=" + a.get("id").asLong();
                JsonNode b = a.get("b");
                double x = b.get(0).asDouble();
                double y = b.get(1).asDouble();
                double w = b.get(2).asDouble();
                double h = b.get(3).asDouble();
                boolean clip = x < 0 || y < 0 || x + w > sw || y + h > sh;
                double x0 = Math.max(0, x * fx - g.x());
                double y0 = Math.max(0, y * fy - g.y());
                double x1 = Math.min(g.width(), (x + w) * fx - g.x());
                double y1 = Math.min(g.height(), (y + h) * fy - g.y());
                clip |= x * fx - g.x() < 0 || y * fy - g.y() < 0 || (x + w) * fx - g.x() > g.width() || (y + h) * fy - g.y() > g.height();
                if (x1 - x0 <= 0 || y1 - y0 <= 0) {
                    out.reject(where, "annotation", "box " + b + " lies outside the stored image");
                    continue;
                }
                byte[] mask = new byte[0];
                if (a.has("s")) {
                    try {
                        GrayImage m = pipeline.resize().apply(CocoMasks.mask(a.get("s"), sw, sh));
                        mask = ImageCodec.encodeGrayPng(m);
                    } catch (IOException | RuntimeException e) {
                        out.reject(where, "mask", "bad segmentation: " + e.getMessage());
                        continue;
                    }
                }
                labels.add(a.get("l").asInt());
                cats.add(a.get("c").asInt());
                boxes.add((float) x0);
                boxes.add((float) y0);
                boxes.add((float) (x1 - x0));
                boxes.add((float) (y1 - y0));
                areas.add((float) a.get("a").asDouble());
                crowd.add(a.get("z").asInt());
                masks.add(mask);
                clipped.add(clip ? 1 : 0);
            }
            Map<String, Object> t = new HashMap<>();
            t.put(ShardSchema.IMAGE_ID, Long.parseLong(unit.attr("image_id")));
            t.put(ShardSchema.OBJ_LABEL, labels);
            t.put(ShardSchema.OBJ_CATEGORY_ID, cats);
            t.put(ShardSchema.OBJ_BBOX, boxes);
            t.put(ShardSchema.OBJ_AREA, areas);
            t.put(ShardSchema.OBJ_ISCROWD, crowd);
            t.put(ShardSchema.OBJ_MASK, masks);
            t.put(ShardSchema.OBJ_CLIPPED, clipped);
            out.row(unit.id(), img, t);
        } catch (IOException e) {
            out.reject(unit.id(), "annotation", "unreadable annotations: " + e.getMessage());
        }
    }
}
