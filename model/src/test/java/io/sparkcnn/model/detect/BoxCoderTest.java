package io.sparkcnn.model.detect;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BoxCoderTest {
    private final Anchors anchors = AnchorsTest.twoByTwo().anchors();

    @Test
    void encodingByHand() {
        // anchor 0: centre (4, 4), 8 x 8; box centre (6, 8), 8 x 12
        float[] t = new float[4];
        BoxCoder.SSD.encode(anchors, 0, new Box(2, 2, 10, 14), t, 0);
        assertEquals((6 - 4) / (8 * 0.1), t[0], 1e-5);
        assertEquals((8 - 4) / (8 * 0.1), t[1], 1e-5);
        assertEquals(0, t[2], 1e-6);
        assertEquals(Math.log(12.0 / 8) / 0.2, t[3], 1e-5);
        Box back = BoxCoder.SSD.decode(anchors, 0, t, 0);
        assertEquals(2, back.x1(), 1e-5);
        assertEquals(2, back.y1(), 1e-5);
        assertEquals(10, back.x2(), 1e-5);
        assertEquals(14, back.y2(), 1e-5);
    }

    @Test
    void eachOffsetHasItsOwnVariance() {
        BoxCoder c = new BoxCoder(0.1f, 0.2f, 0.3f, 0.4f);
        float[] t = new float[4];
        // anchor 3: centre (12, 4), 8 x 8; box centre (13, 2), 16 x 4
        c.encode(anchors, 3, new Box(5, 0, 21, 4), t, 0);
        assertEquals(1 / 0.8, t[0], 1e-5);
        assertEquals(-2 / 1.6, t[1], 1e-5);
        assertEquals(Math.log(2) / 0.3, t[2], 1e-5);
        assertEquals(Math.log(0.5) / 0.4, t[3], 1e-5);
        Box back = c.decode(anchors, 3, t, 0);
        assertEquals(5, back.x1(), 1e-5);
        assertEquals(0, back.y1(), 1e-5);
        assertEquals(21, back.x2(), 1e-5);
        assertEquals(4, back.y2(), 1e-5);
    }

    @Test
    void decodeInvertsEncode() {
        SplittableRandom r = new SplittableRandom(3);
        float[] t = new float[4];
        for (int n = 0; n < 500; n++) {
            int i = r.nextInt(anchors.count());
            float x = (float) (r.nextDouble() * 20 - 2), y = (float) (r.nextDouble() * 20 - 2);
            Box b = new Box(x, y, x + 0.5f + (float) r.nextDouble() * 30, y + 0.5f + (float) r.nextDouble() * 30);
            BoxCoder.SSD.encode(anchors, i, b, t, 0);
            Box back = BoxCoder.SSD.decode(anchors, i, t, 0);
            assertEquals(b.x1(), back.x1(), 1e-4, b + " via anchor " + i);
            assertEquals(b.y1(), back.y1(), 1e-4);
            assertEquals(b.x2(), back.x2(), 1e-4);
            assertEquals(b.y2(), back.y2(), 1e-4);
        }
    }

    @Test
    void hugeOffsetsStayFinite() {
        Box b = BoxCoder.SSD.decode(anchors, 0, 0, 0, 1e9f, 1e9f);
        assertEquals(8 * 1000.0 / 16, b.width(), 1e-2);
    }

    @Test
    void emptyBoxesAndBadVariancesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BoxCoder.SSD.encode(anchors, 0, new Box(3, 3, 3, 9), new float[4], 0));
        assertThrows(IllegalArgumentException.class, () -> new BoxCoder(0.1f, 0, 0.2f, 0.2f));
    }
}
