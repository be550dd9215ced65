package io.sparkcnn.model.detect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BoxTest {
    @Test
    void iouByHand() {
        Box a = new Box(0, 0, 4, 4), b = new Box(2, 0, 6, 4);
        assertEquals(8f / 24f, a.iou(b), 1e-7);
        assertEquals(1f, a.iou(a), 1e-7);
        assertEquals(0f, a.iou(new Box(4, 0, 8, 4)));
        assertEquals(0f, a.iou(new Box(1, 1, 1, 3)));
        assertEquals(16f, a.area());
        assertEquals(0f, new Box(3, 0, 1, 4).area());
        assertEquals(new Box(1, 2, 4, 6), Box.ofXywh(1, 2, 3, 4));
    }
}
