package io.sparkcnn.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The printed layout; CocoEvalPythonTest compares it with what pycocotools prints. */
class CocoReportTest {

    /** The case of CocoMatchesTest.knownIousGiveTheHandComputedAp: AP 457/1010 = .45248, AP50 253/303 = .83498, ... */
    @Test
    void summaryIsCocoevalsTwelveLines() {
        CocoTestImage i = new CocoTestImage(7).gt(0, 0, 0, 100, 100).gt(0, 200, 0, 100, 100)
                .det(0, 0, 0, 82, 100, 0.9f).det(0, 400, 400, 100, 100, 0.8f).det(0, 200, 0, 62, 100, 0.7f);
        CocoEvaluation e = CocoTestImage.evaluate(2, List.of(i));
        assertEquals(String.join("\n",
                " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.452",
                " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.835",
                " Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.505",
                " Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000",
                " Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000",
                " Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.452",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.350",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 0.500",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.500",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000",
                " Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.500", ""), CocoReport.summary(e));
        CocoCategories cats = new CocoCategories(new int[] {1, 90}, List.of("person", "toothbrush"));
        assertEquals(String.join("\n",
                "  id  category        AP    AP50",
                "   1  person       0.452   0.835",
                "  90  toothbrush  -1.000  -1.000", ""), CocoReport.perCategory(e, cats));
        assertThrows(IllegalArgumentException.class,
                () -> CocoReport.perCategory(e, new CocoCategories(new int[] {1}, List.of("person"))));
    }

    /** Python's format rounds the exact binary value: 1.0005 is 1.000499.. and 0.0005 is 0.000500..01. */
    @Test
    void roundsLikePython() {
        assertEquals("1.000", CocoReport.fixed3(1.0005));
        assertEquals("0.001", CocoReport.fixed3(0.0005));
        assertEquals("0.125", CocoReport.fixed3(0.125));
        assertEquals("0.124", CocoReport.fixed3(0.1245)); // 0.12449999..
        assertEquals("-1.000", CocoReport.fixed3(-1));
        assertEquals("1.000", CocoReport.fixed3(1));
    }

    @Test
    void categoriesMapBothWays() {
        CocoCategories c = new CocoCategories(new int[] {1, 3, 90}, List.of("a", "b", "c"));
        assertEquals(2, c.classOf(90));
        assertEquals(3, c.id(1));
        assertEquals("c", c.name(2));
        assertThrows(IllegalArgumentException.class, () -> c.classOf(2));
        assertThrows(IllegalArgumentException.class, () -> c.id(3));
        assertThrows(IllegalArgumentException.class, () -> new CocoCategories(new int[] {1, 1}, List.of("a", "b")));
    }
}
