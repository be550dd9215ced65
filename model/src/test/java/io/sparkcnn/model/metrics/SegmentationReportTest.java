package io.sparkcnn.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentationReportTest {
    private static ConfusionMatrix matrix() {
        // truth 0: 3 right, 1 as class 1; truth 1: 2 right; class 2 absent and never predicted
        ConfusionMatrix m = new ConfusionMatrix(3, 255);
        m.add(new int[] {0, 0, 0, 0, 1, 1, 255}, new int[] {0, 0, 0, 1, 1, 1, 2}, 0, 7);
        return m;
    }

    @Test
    void textTableInTheEvaluatorsLayout() {
        String t = SegmentationReport.text(matrix(), List.of("road", "car", "sky"), new int[] {0, 1, 0},
                List.of("flat", "vehicle"));
        String n = "\n";
        assertEquals("classes          IoU\n--------------------------------\n"
                + "road          : 0.750" + n
                + "car           : 0.667" + n
                + "sky           :   nan" + n
                + "--------------------------------\n"
                + "Score Average : 0.708" + n
                + "\ncategories       IoU\n--------------------------------\n"
                + "flat          : 0.750" + n
                + "vehicle       : 0.667" + n
                + "--------------------------------\n"
                + "Score Average : 0.708" + n
                + "\npixel accuracy: 0.833" + n, t);
    }

    @Test
    void tsvHasCountsPerClass() {
        String t = SegmentationReport.tsv(matrix(), List.of("road", "car", "sky"));
        assertEquals("class\tiou\tground_truth_pixels\tpredicted_pixels\ttrue_positives\n"
                + "road\t0.750000\t4\t3\t3\n"
                + "car\t0.666667\t2\t3\t2\n"
                + "sky\tnan\t0\t0\t0\n"
                + "mean_iou\t0.708333\t\t\t\n"
                + "pixel_accuracy\t0.833333\t\t\t\n", t);
        assertThrows(IllegalArgumentException.class, () -> SegmentationReport.tsv(matrix(), List.of("road")));
    }

    @Test
    void constantPredictionBaseline() {
        ConfusionMatrix m = matrix();
        assertEquals(0, SegmentationScores.mostFrequentTruth(m));
        SegmentationScores b = SegmentationScores.constantPrediction(m, 0);
        // everything predicted road: road IoU 4/6, car 0/2 = 0, sky NaN
        assertEquals(4.0 / 6, b.classIou(0), 1e-12);
        assertEquals(0.0, b.classIou(1), 1e-12);
        assertEquals((4.0 / 6) / 2, b.meanIou(), 1e-12);
        assertEquals(4.0 / 6, b.pixelAccuracy(), 1e-12);
    }
}
