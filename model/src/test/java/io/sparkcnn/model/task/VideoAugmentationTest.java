package io.sparkcnn.model.task;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoAugmentationTest {
    private static final int C = 2, F = 12, H = 7, W = 9, T = 4, CH = 5, CW = 6;

    /**
     * Per output frame t: {stored frame, crop x0, crop y0, flip 0/1}, read back from the coded pixel values;
     * checks every pixel of the frame, in every channel, came from that one frame through that one window.
     */
    private static int[][] decode(Example out) {
        int[][] where = new int[T][];
        float[] p = out.pixels();
        for (int t = 0; t < T; t++) {
            int v0 = (int) p[t * CH * CW], v1 = (int) p[t * CH * CW + 1];
            int frame = v0 / 100, y0 = v0 % 100 / 10;
            boolean flip = v1 % 10 < v0 % 10;
            int x0 = flip ? v0 % 10 - (CW - 1) : v0 % 10;
            where[t] = new int[] {frame, x0, y0, flip ? 1 : 0};
            for (int c = 0; c < C; c++)
                for (int oy = 0; oy < CH; oy++)
                    for (int ox = 0; ox < CW; ox++) {
                        int x = flip ? x0 + CW - 1 - ox : x0 + ox;
                        assertEquals(1000 * c + 100 * frame + 10 * (y0 + oy) + x, p[((c * T + t) * CH + oy) * CW + ox],
                                "c" + c + " t" + t + " (" + ox + "," + oy + ")");
                    }
        }
        return where;
    }

    @Test
    void everyFrameOfAClipGetsTheSameCropAndFlipAndFramesFollowTheStride() {
        VideoAugmentation aug = new VideoAugmentation(new ClipSampling(T, 3, true), CW, CH, true);
        Example e = VideoTaskTest.coded("train/a.mp4", C, F, H, W, 1);
        Set<Integer> starts = new HashSet<>(), xs = new HashSet<>(), ys = new HashSet<>();
        Set<Boolean> flips = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            Example out = aug.apply(e, new SplittableRandom(seed));
            assertEquals(T, out.frames());
            assertEquals(CH, out.height());
            assertEquals(CW, out.width());
            assertEquals(1, out.label());
            int[][] w = decode(out);
            boolean flip = w[0][3] == 1;
            for (int t = 0; t < T; t++) {
                assertEquals(w[0][0] + 3 * t, w[t][0], "stride 3, seed " + seed);
                assertEquals(w[0][1], w[t][1], "same crop x in every frame, seed " + seed);
                assertEquals(w[0][2], w[t][2], "same crop y in every frame, seed " + seed);
                assertEquals(w[0][3], w[t][3], "same flip in every frame, seed " + seed);
            }
            int start = w[0][0], x0 = w[0][1];
            assertTrue(start >= 0 && start + 3 * (T - 1) < F, "start " + start);
            assertTrue(x0 >= 0 && x0 + CW <= W && w[0][2] >= 0 && w[0][2] + CH <= H, "crop at " + x0 + "," + w[0][2]);
            starts.add(start);
            xs.add(x0);
            ys.add(w[0][2]);
            flips.add(flip);
            assertArrayEquals(out.pixels(), aug.apply(e, new SplittableRandom(seed)).pixels(), "seed " + seed + " repeats");
        }
        // F - span = 12 - 10 = 2: starts 0..2; crops x 0..3, y 0..2; both flips
        assertEquals(Set.of(0, 1, 2), starts);
        assertEquals(Set.of(0, 1, 2, 3), xs);
        assertEquals(Set.of(0, 1, 2), ys);
        assertEquals(Set.of(true, false), flips);
    }

    @Test
    void withoutRandomStartTheCentredClipAndWithoutFlipNoMirror() {
        VideoAugmentation aug = new VideoAugmentation(new ClipSampling(T, 1, false), CW, CH, false);
        Example e = VideoTaskTest.coded("train/b.mp4", C, F, H, W, 0);
        for (long seed = 0; seed < 20; seed++) {
            Example out = aug.apply(e, new SplittableRandom(seed));
            int[][] w = decode(out);
            assertEquals(4, w[0][0], "(12 - 4) / 2");
            assertEquals(0, w[0][3], "not mirrored");
        }
    }

    @Test
    void aClipShorterThanTheNetworkNeedsIsRefusedNamingIt() {
        VideoAugmentation aug = new VideoAugmentation(new ClipSampling(T, 1, true), CW, CH, true);
        BadExampleException e = assertThrows(BadExampleException.class,
                () -> aug.apply(VideoTaskTest.coded("train/short.mp4", C, 3, H, W, 0), new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("train/short.mp4") && e.getMessage().contains("holds 3 frames"), e.getMessage());
        e = assertThrows(BadExampleException.class,
                () -> aug.apply(VideoTaskTest.coded("train/narrow.mp4", C, F, H, 5, 0), new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("train/narrow.mp4") && e.getMessage().contains("frames are 5x7"), e.getMessage());
    }
}
