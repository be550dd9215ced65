package io.sparkcnn.model.task;

import io.sparkcnn.model.augment.PairGeometry;
import io.sparkcnn.model.detect.Box;
import io.sparkcnn.model.detect.BoxTransform;
import io.sparkcnn.model.detect.GroundTruth;
import io.sparkcnn.model.detect.SsdCropSampler;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectionAugmentationTest {
    static final int W = 40, H = 30, OUT = 24;

    @Test
    void boxesMoveByHand() {
        // 20x10 source scaled to 40x20, window from x 10 of 20 x 20
        PairGeometry g = new PairGeometry(20, 10, 40, 20, 10, 0, 20, 20, false);
        assertEquals(new Box(-6, 4, 6, 16), BoxTransform.apply(g, new Box(2, 2, 8, 8)));
        GroundTruth gt = new GroundTruth(List.of(new Box(2, 2, 8, 8), new Box(8, 0, 12, 4)), new int[] {1, 2}, new boolean[] {false, true});
        GroundTruth half = BoxTransform.apply(g, gt, 0.5f);
        assertEquals(List.of(new Box(0, 4, 6, 16), new Box(6, 0, 14, 8)), half.boxes(), "half of the first box is left: kept");
        assertEquals(2, half.label(1));
        assertTrue(half.isCrowd(1));
        assertEquals(List.of(new Box(6, 0, 14, 8)), BoxTransform.apply(g, gt, 0.6f).boxes(), "under 0.6 visible: dropped");
        PairGeometry flipped = new PairGeometry(20, 10, 40, 20, 10, 0, 20, 20, true);
        assertEquals(new Box(14, 4, 20, 16), BoxTransform.apply(flipped, gt, 0.5f).box(0));
        assertEquals(new Box(1, 2, 3, 4), BoxTransform.unresize(new Box(2, 2, 6, 4), 20, 10, 40, 10));
    }

    /**
     * A box's pixels are painted 1 on a 0 image; after each random geometry (zoom out, IoU crop,
     * resize, flip) every output pixel whose centre is clearly inside the moved box is painted and
     * every one clearly outside is not: the box sits on the same pixels as its object.
     */
    @Test
    void boxesStayOnTheirPixels() {
        DetectionAugmentation aug = new DetectionAugmentation(SsdCropSampler.ssd(OUT, OUT), 0.3f, 0f);
        SplittableRandom r = new SplittableRandom(21);
        int checked = 0, kept = 0, flipped = 0;
        for (int n = 0; n < 300; n++) {
            int x1 = r.nextInt(W - 6), y1 = r.nextInt(H - 6), x2 = x1 + 3 + r.nextInt(W - x1 - 3), y2 = y1 + 3 + r.nextInt(H - y1 - 3);
            float[] px = new float[W * H];
            for (int y = y1; y < y2; y++) for (int x = x1; x < x2; x++) px[y * W + x] = 1f;
            GroundTruth gt = new GroundTruth(List.of(new Box(x1, y1, x2, y2)), new int[] {1}, new boolean[1]);
            Example e = Example.detected("paint" + n, 1, H, W, px, gt);
            long seed = r.nextLong();
            Example out = aug.apply(e, new SplittableRandom(seed));
            assertEquals(OUT, out.width());
            assertEquals(OUT, out.height());
            PairGeometry g = SsdCropSampler.ssd(OUT, OUT).draw(W, H, gt, new SplittableRandom(seed));
            if (g.flip()) flipped++;
            Box moved = BoxTransform.apply(g, gt.box(0));
            double mx = (moved.x1() + moved.x2()) / 2, my = (moved.y1() + moved.y2()) / 2;
            assertTrue(mx >= 0 && mx <= OUT && my >= 0 && my <= OUT, "every patch holds the centre of a box: " + moved);
            for (int oy = 0; oy < OUT; oy++) {
                for (int ox = 0; ox < OUT; ox++) {
                    double cx = ox + 0.5, cy = oy + 0.5;
                    double margin = 0.75;
                    boolean inside = cx > moved.x1() + margin && cx < moved.x2() - margin && cy > moved.y1() + margin
                            && cy < moved.y2() - margin;
                    boolean outside = cx < moved.x1() - margin || cx > moved.x2() + margin || cy < moved.y1() - margin
                            || cy > moved.y2() + margin;
                    float v = out.pixels()[oy * OUT + ox];
                    if (inside) assertTrue(v > 0.5f, "draw " + n + " " + g + ": pixel (" + ox + ", " + oy + ") inside " + moved + " is " + v);
                    if (outside) assertTrue(v < 0.5f, "draw " + n + " " + g + ": pixel (" + ox + ", " + oy + ") outside " + moved + " is " + v);
                    if (inside || outside) checked++;
                }
            }
            if (out.objects().size() == 1) {
                kept++;
                Box b = out.objects().box(0);
                assertTrue(b.x1() >= 0 && b.y1() >= 0 && b.x2() <= OUT && b.y2() <= OUT, "clipped: " + b);
                assertEquals(Math.max(0, moved.x1()), b.x1(), 1e-4);
                assertEquals(Math.min(OUT, moved.x2()), b.x2(), 1e-4);
            }
        }
        assertTrue(checked > 100_000 && kept > 150 && flipped > 100 && flipped < 200, checked + " pixels, " + kept + " kept, "
                + flipped + " flipped");
    }

    @Test
    void anImageWithoutBoxesStillGetsAGeometryAndResizeKeepsBorderBoxes() {
        DetectionAugmentation aug = new DetectionAugmentation(SsdCropSampler.ssd(OUT, OUT), 0.3f, 0f);
        Example empty = Example.detected("none", 1, H, W, new float[W * H], GroundTruth.EMPTY);
        Example out = aug.apply(empty, new SplittableRandom(1));
        assertEquals(0, out.objects().size());
        assertEquals(OUT * OUT, out.pixels().length);
        GroundTruth border = new GroundTruth(List.of(new Box(0, 0, W, H), new Box(33, 7, 40, 30)), new int[] {1, 1}, new boolean[2]);
        Example resized = DetectionAugmentation.resize(Example.detected("b", 1, H, W, new float[W * H], border), 7, 13);
        assertEquals(2, resized.objects().size());
        assertEquals(7f, resized.objects().box(0).x2(), 1e-5);
        assertEquals(13f, resized.objects().box(1).y2(), 1e-5);
        assertThrows(BadExampleException.class, () -> aug.apply(Example.classified("c", 1, H, W, new float[W * H], 0), new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new SsdCropSampler(OUT, OUT, 0.5, 0.5, 0.3, true));
    }
}
