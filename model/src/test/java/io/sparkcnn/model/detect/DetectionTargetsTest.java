package io.sparkcnn.model.detect;

import io.sparkcnn.model.task.BadExampleException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectionTargetsTest {
    private final DetectionTargets targets = new DetectionTargets(AnchorMatcherTest.GRID, BoxCoder.SSD, AnchorMatcher.SSD);

    @Test
    void theBlockHoldsOffsetsThenLabels() {
        // class 2 at (2,0,14,8): a0 positive, a1 ignored; a2, a3 background
        GroundTruth gt = new GroundTruth(List.of(new Box(2, 0, 14, 8)), new int[] {2}, new boolean[1]);
        float[] box = new float[1 + targets.targetSize()];
        AnchorMatcher.Result r = targets.encode(gt, box, 1);
        assertEquals(1, r.positives());
        assertArrayEquals(new float[] {2, -1, 0, 0}, java.util.Arrays.copyOfRange(box, 17, 21));
        box = java.util.Arrays.copyOfRange(box, 1, box.length);
        // box centre (8, 4), 12 x 8 against a0 centre (4, 4), 8 x 8
        assertEquals((8 - 4) / 0.8, box[0], 1e-5);
        assertEquals(0, box[1], 1e-6);
        assertEquals(Math.log(12 / 8.0) / 0.2, box[2], 1e-5);
        assertEquals(0, box[3], 1e-6);
        for (int i = 4; i < 16; i++) assertEquals(0f, box[i], "anchor " + i / 4 + " is not positive");
    }

    @Test
    void rawBoxesAreClippedDroppedAndCountedOrRefused() {
        GroundTruthCheck check = new GroundTruthCheck(3, 2f);
        List<Box> raw = List.of(new Box(-4, 2, 6, 10), new Box(5, 5, 5, 9), new Box(20, 20, 30, 30), new Box(15, 0, 16.5f, 1),
                new Box(1, 1, 9, 9));
        GroundTruthCheck.Result r = check.check("img-7", 16, 16, raw, new int[] {1, 2, 3, 1, 3}, new boolean[] {false, false, false,
                false, true});
        assertEquals(1, r.clipped());
        assertEquals(1, r.droppedEmpty());
        assertEquals(2, r.droppedOutside(), "outside the image, and 1 x 1 pixel left after clipping (under 2)");
        assertEquals(List.of(new Box(0, 2, 6, 10), new Box(1, 1, 9, 9)), r.truth().boxes());
        assertArrayEquals(new int[] {1, 3}, r.truth().labels());
        assertArrayEquals(new boolean[] {false, true}, r.truth().crowd());

        BadExampleException unknown = assertThrows(BadExampleException.class,
                () -> check.check("img-8", 16, 16, List.of(new Box(0, 0, 4, 4)), new int[] {4}, null));
        assertTrue(unknown.getMessage().contains("img-8") && unknown.getMessage().contains("class 4"), unknown.getMessage());
        BadExampleException nan = assertThrows(BadExampleException.class,
                () -> check.check("img-9", 16, 16, List.of(new Box(0, Float.NaN, 4, 4)), new int[] {1}, null));
        assertTrue(nan.getMessage().contains("img-9") && nan.getMessage().contains("finite"), nan.getMessage());
    }

    @Test
    void shardColumnsBecomeGroundTruthWithClassesShiftedPastTheBackground() {
        GroundTruthCheck check = new GroundTruthCheck(3, 0f);
        GroundTruthCheck.Result r = check.checkShardColumns("row-3", 16, 16, new int[] {0, 2, 1},
                new float[] {1, 2, 3, 4, 10, 10, 8, 8, 5, 5, 0, 3}, new int[] {0, 1, 0});
        assertEquals(List.of(new Box(1, 2, 4, 6), new Box(10, 10, 16, 16)), r.truth().boxes());
        assertArrayEquals(new int[] {1, 3}, r.truth().labels());
        assertArrayEquals(new boolean[] {false, true}, r.truth().crowd());
        assertEquals(1, r.clipped());
        assertEquals(1, r.droppedEmpty(), "the zero-width box");
        BadExampleException unknown = assertThrows(BadExampleException.class,
                () -> check.checkShardColumns("row-4", 16, 16, new int[] {3}, new float[] {0, 0, 1, 1}, new int[] {0}));
        assertTrue(unknown.getMessage().contains("row-4") && unknown.getMessage().contains("obj_label 3"), unknown.getMessage());
        BadExampleException lengths = assertThrows(BadExampleException.class,
                () -> check.checkShardColumns("row-5", 16, 16, new int[] {0, 1}, new float[] {0, 0, 1, 1}, new int[] {0, 0}));
        assertTrue(lengths.getMessage().contains("row-5") && lengths.getMessage().contains("obj_bbox"), lengths.getMessage());
    }
}
