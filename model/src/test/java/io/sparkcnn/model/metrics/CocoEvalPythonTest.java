package io.sparkcnn.model.metrics;

import io.sparkcnn.model.testing.TestPython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.model.detect.CocoResultsWriter;
import io.sparkcnn.model.detect.Detections;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation against pycocotools itself (from the pip mirror, in the venv deploy/install-python-deps.sh
 * makes): a seeded random ground truth written as an instances json and detections written by
 * {@link CocoResultsWriter}, read by COCO.loadRes and scored by COCOeval (iouType bbox). The 12 summary
 * numbers, the per-category AP and AP50 and the printed table must agree; loadRes must read back the very
 * detections that were written.
 */
class CocoEvalPythonTest {
    private static final String PYCOCOTOOLS = "pycocotools.coco, pycocotools.cocoeval";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] IDS = {1, 3, 7, 8, 12}; // COCO-style ids with gaps; class 4 (id 12) has no ground truth
    private static final double AGREE = 1e-9;

    private static final String PROBE = String.join("\n",
            "import contextlib, io, json, sys",
            "import numpy as np",
            "from pycocotools.coco import COCO",
            "from pycocotools.cocoeval import COCOeval",
            "with contextlib.redirect_stdout(io.StringIO()):",
            "    gt = COCO(sys.argv[1])",
            "    dt = gt.loadRes(sys.argv[2])",
            "    E = COCOeval(gt, dt, 'bbox')",
            "    E.evaluate()",
            "    E.accumulate()",
            "table = io.StringIO()",
            "with contextlib.redirect_stdout(table):",
            "    E.summarize()",
            "p = E.eval['precision']",
            "def mean(s):",
            "    s = s[s > -1]",
            "    return float(np.mean(s)) if s.size else -1.0",
            "res = {'stats': [float(x) for x in E.stats], 'catIds': [int(c) for c in E.params.catIds],",
            "       'ap': [mean(p[:, :, k, 0, -1]) for k in range(p.shape[2])],",
            "       'ap50': [mean(p[0, :, k, 0, -1]) for k in range(p.shape[2])],",
            "       'summary': table.getvalue(),",
            "       'loaded': [[a['image_id'], a['category_id'], a['bbox'], a['score']] for a in dt.dataset['annotations']]}",
            "print(json.dumps(res))");

    @TempDir
    Path tmp;

    @Test
    void agreesWithPycocotools() throws IOException {
        compare(cases(), true);
    }

    /** Crowded scenes: many objects in a small square, overlapping each other, and crowd regions over them. */
    @Test
    void agreesWithPycocotoolsOnDenseScenes() throws IOException {
        compare(CocoMatchesTest.randomImages(new Random(77), 80, IDS.length, 120, 12, 5), false);
    }

    private void compare(List<CocoTestImage> images, boolean checkSpread) throws IOException {
        Path python = TestPython.importing(PYCOCOTOOLS, "the comparison with COCOeval");
        assumeTrue(python != null, () -> TestPython.skipReason(PYCOCOTOOLS));
        CocoCategories categories = new CocoCategories(IDS, List.of("shirt", "bag", "boot", "coat", "sandal"));
        Path gt = tmp.resolve("instances_val.json"), results = tmp.resolve("results.json");
        writeGroundTruth(gt, images, categories);
        try (CocoResultsWriter w = new CocoResultsWriter(Files.newOutputStream(results), categories)) {
            for (CocoTestImage im : images) w.write(im.id, im.dets);
        }
        CocoEvaluation mine = CocoTestImage.evaluate(IDS.length, images);

        TestPython.Result r = TestPython.run(python, PROBE, gt.toString(), results.toString());
        assertEquals(0, r.exitCode(), r.output());
        String[] lines = r.output().strip().split("\n");
        JsonNode py = JSON.readTree(lines[lines.length - 1]);

        double[] stats = mine.stats();
        double worst = 0;
        for (int i = 0; i < CocoEvaluation.STATS; i++) {
            double theirs = py.get("stats").get(i).asDouble();
            assertEquals(theirs, stats[i], AGREE, "stat " + i);
            worst = Math.max(worst, Math.abs(theirs - stats[i]));
        }
        for (int k = 0; k < IDS.length; k++) {
            assertEquals(IDS[k], py.get("catIds").get(k).asInt());
            assertEquals(py.get("ap").get(k).asDouble(), mine.classAp(k), AGREE, "AP of category " + IDS[k]);
            assertEquals(py.get("ap50").get(k).asDouble(), mine.classAp50(k), AGREE, "AP50 of category " + IDS[k]);
        }
        assertEquals(-1, mine.classAp(4), "the category without ground truth");
        assertEquals(py.get("summary").asText(), CocoReport.summary(mine));
        System.out.println("COCOeval (pycocotools) vs CocoMatches on " + images.size() + " images, " + mine.classes()
                + " categories, largest |difference| of the 12 numbers " + worst + ":\n" + CocoReport.summary(mine)
                + CocoReport.perCategory(mine, categories));
        // the stats are not degenerate: some hits, some misses, every area range present
        for (int i = 0; i < CocoEvaluation.STATS && checkSpread; i++) {
            assertTrue(stats[i] > 0.02 && stats[i] < 0.98, "stat " + i + " = " + stats[i]);
        }

        // loadRes read back every detection as written: original category ids, [x, y, w, h], score
        JsonNode loaded = py.get("loaded");
        int n = 0;
        for (CocoTestImage im : images) {
            Detections d = im.dets;
            for (int i = 0; i < d.count(); i++, n++) {
                JsonNode a = loaded.get(n);
                assertEquals(im.id, a.get(0).asLong());
                assertEquals(IDS[d.label(i)], a.get(1).asInt());
                assertEquals((double) d.x1(i), a.get(2).get(0).asDouble(), 0.0);
                assertEquals((double) d.y1(i), a.get(2).get(1).asDouble(), 0.0);
                assertEquals(CocoBox.extent(d.x1(i), d.x2(i)), a.get(2).get(2).asDouble(), 0.0);
                assertEquals(CocoBox.extent(d.y1(i), d.y2(i)), a.get(2).get(3).asDouble(), 0.0);
                assertEquals((double) d.score(i), a.get(3).asDouble(), 0.0);
            }
        }
        assertEquals(n, loaded.size());
    }

    /** Random images (ties, crowds, duplicates, strays) and a few made to sit on the edges of the rules. */
    private static List<CocoTestImage> cases() {
        List<CocoTestImage> images = new ArrayList<>(CocoMatchesTest.randomImages(new Random(2017), 120, IDS.length));
        // IoU exactly .5 and .75; areas exactly 32^2 and 96^2 (in two ranges at once)
        images.add(new CocoTestImage(5).gt(0, 0, 0, 100, 100).det(0, 0, 0, 100, 50, 0.5f)
                .gt(1, 0, 0, 40, 40).det(1, 0, 0, 40, 30, 0.5f)
                .gt(2, 300, 300, 32, 32).det(2, 300, 300, 32, 32, 0.25f)
                .gt(3, 500, 500, 96, 96).det(3, 500, 500, 96, 96, 0.75f).det(3, 500, 500, 96, 96, 0.75f));
        // a regular match stops before an ignored one; equal IoUs go to the last object given (both orders)
        images.add(new CocoTestImage(2).gt(0, 0, 0, 100, 100).gt(0, 0, 0, 300, 300, 90000, true).det(0, 0, 0, 60, 100, 0.9f));
        images.add(new CocoTestImage(3).gt(1, 0, 0, 100, 100).gt(1, 50, 0, 100, 100).det(1, 25, 0, 100, 100, 0.9f)
                .det(1, 0, 0, 100, 100, 0.8f));
        images.add(new CocoTestImage(4).gt(2, 50, 0, 100, 100).gt(2, 0, 0, 100, 100).det(2, 25, 0, 100, 100, 0.9f)
                .det(2, 0, 0, 100, 100, 0.8f));
        // more than 100 detections of one class in one image, 30 objects
        CocoTestImage crowded = new CocoTestImage(6);
        Random rnd = new Random(6);
        for (int o = 0; o < 30; o++) crowded.gt(1, 30 * o, 10, 20, 20 + o);
        for (int j = 0; j < 130; j++) {
            int o = rnd.nextInt(30);
            crowded.det(1, 30 * o + rnd.nextInt(6) - 3, 10 + rnd.nextInt(6) - 3, 20, 20 + o, rnd.nextInt(64) / 64f);
        }
        images.add(crowded);
        return images;
    }

    private static void writeGroundTruth(Path file, List<CocoTestImage> images, CocoCategories categories) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                JsonGenerator g = new JsonFactory().createGenerator(os, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("images");
            for (CocoTestImage im : images) {
                g.writeStartObject();
                g.writeNumberField("id", im.id);
                g.writeStringField("file_name", im.id + ".jpg");
                g.writeNumberField("width", 1000);
                g.writeNumberField("height", 1000);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            int id = 1; // pycocotools takes annotation id 0 for "unmatched"
            for (CocoTestImage im : images) {
                for (CocoTestImage.Gt o : im.gts) {
                    g.writeStartObject();
                    g.writeNumberField("id", id++);
                    g.writeNumberField("image_id", im.id);
                    g.writeNumberField("category_id", categories.id(o.label()));
                    g.writeArrayFieldStart("bbox");
                    g.writeNumber((double) o.x());
                    g.writeNumber((double) o.y());
                    g.writeNumber((double) o.w());
                    g.writeNumber((double) o.h());
                    g.writeEndArray();
                    g.writeNumberField("area", (double) o.area());
                    g.writeNumberField("iscrowd", o.crowd() ? 1 : 0);
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (int k = 0; k < categories.classes(); k++) {
                g.writeStartObject();
                g.writeNumberField("id", categories.id(k));
                g.writeStringField("name", categories.name(k));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
