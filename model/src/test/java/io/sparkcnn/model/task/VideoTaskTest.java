package io.sparkcnn.model.task;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoTaskTest {
    static NetworkSpec net(String input, int classes, String tail) {
        return NetworkConfig.read("""
                network {
                  name = tiny3d
                  input = %s
                  layers = [
                    { type = conv3d, name = conv1, filters = 4, kernel = [3, 3, 3], padding = [1, 1, 1] }
                    { type = relu }
                    %s
                    { type = dense, name = logits, units = %d }
                  ]
                }
                """.formatted(input, tail, classes), "test network");
    }

    @Test
    void theShardsTaskIsVideoWithSoftmaxCrossEntropyAddedWhenTheNetworkNamesNoLoss() {
        TrainingTask t = Tasks.forShards(Task.VIDEO, 4);
        assertInstanceOf(VideoTask.class, t);
        assertEquals(Task.VIDEO, t.kind());
        NetworkSpec s = t.prepare(net("[3, 3, 12, 12]", 4, "{ type = global_avgpool }"));
        assertInstanceOf(SoftmaxCrossEntropy.class, s.loss());
        assertEquals(1, t.targetSize(Shape.of(4)));
        assertEquals(1, t.predictionSize(Shape.of(4)));
    }

    @Test
    void networksThatDoNotFitAreRefusedNamingTheLayer() {
        VideoTask t = new VideoTask(4);
        ShapeException e = assertThrows(ShapeException.class, () -> t.prepare(net("[3, 3, 12, 12]", 5, "{ type = global_avgpool }")));
        assertTrue(e.getMessage().contains("logits") && e.getMessage().contains("4 classes"), e.getMessage());
        NetworkSpec image = NetworkConfig.read("""
                network {
                  name = flat
                  input = [3, 12, 12]
                  layers = [ { type = conv2d, name = c, filters = 4, kernel = 3 }, { type = global_avgpool }, { type = dense, name = logits, units = 4 } ]
                }
                """, "test network");
        e = assertThrows(ShapeException.class, () -> t.prepare(image));
        assertTrue(e.getMessage().contains("input") && e.getMessage().contains("(C, T, H, W)"), e.getMessage());
    }

    @Test
    void targetsAreTheClassAndABadClassNamesTheClip() {
        VideoTask t = new VideoTask(3);
        float[] dst = new float[2];
        t.encodeTarget(Example.clip("train/a/x.mp4", 1, 2, 1, 1, new float[2], 2), Shape.of(3), dst, 1);
        assertArrayEquals(new float[] {0, 2}, dst);
        BadExampleException e = assertThrows(BadExampleException.class,
                () -> t.encodeTarget(Example.clip("train/a/y.mp4", 1, 2, 1, 1, new float[2], 3), Shape.of(3), dst, 0));
        assertTrue(e.getMessage().contains("train/a/y.mp4") && e.getMessage().contains("label 3"), e.getMessage());
    }

    @Test
    void anExampleHoldsChannelsTimesFramesTimesPixelsAndImagesAreOneFrame() {
        assertEquals(1, Example.classified("i", 3, 2, 2, new float[12], 0).frames());
        assertEquals(4, Example.clip("v", 3, 4, 2, 2, new float[48], 0).frames());
        BadExampleException e = assertThrows(BadExampleException.class, () -> Example.clip("v", 3, 4, 2, 2, new float[12], 0));
        assertTrue(e.getMessage().contains("clip of 3x4x2x2 holds 12 floats"), e.getMessage());
    }

    /** pixel value = 1000 c + 100 t + 10 y + x: which frame and position every output float came from. */
    static Example coded(String key, int channels, int frames, int h, int w, int label) {
        float[] px = new float[channels * frames * h * w];
        for (int c = 0; c < channels; c++)
            for (int t = 0; t < frames; t++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) px[((c * frames + t) * h + y) * w + x] = 1000 * c + 100 * t + 10 * y + x;
        return Example.clip(key, channels, frames, h, w, px, label);
    }

    @Test
    void evaluationClipsAreEvenlySpacedCentredCropsAtTheStride() {
        // 10 stored frames, T = 3, stride 2: span 5, starts 0, 2.5 -> 3 (round half up), 5 for 3 clips; centred for 1
        ClipSampling s = new ClipSampling(3, 2, true);
        Example e = coded("v", 2, 10, 4, 6, 0);
        int[][] expectFrames = {{0, 2, 4}, {3, 5, 7}, {5, 7, 9}};
        for (int j = 0; j < 3; j++) {
            float[] out = new float[2 * 3 * 2 * 2];
            VideoTask.evalClip(e, s, j, 3, 2, 2, out, 0);
            for (int c = 0; c < 2; c++)
                for (int t = 0; t < 3; t++)
                    for (int y = 0; y < 2; y++)
                        for (int x = 0; x < 2; x++) {
                            // the centred 2x2 of 6x4: columns 2..3, rows 1..2
                            float want = 1000 * c + 100 * expectFrames[j][t] + 10 * (y + 1) + (x + 2);
                            assertEquals(want, out[((c * 3 + t) * 2 + y) * 2 + x], "clip " + j + " c" + c + " t" + t);
                        }
        }
        float[] one = new float[2 * 3 * 4];
        VideoTask.evalClip(e, s, 0, 1, 2, 2, one, 0);
        assertEquals(100 * 2 + 10 + 2, one[0], "one clip: the centred start (10 - 5) / 2 = 2");
    }

    @Test
    void aSingleFrameBaselineIsAOneFrameClipOfAFrameWiseNetwork() {
        // T = 1 and (1, k, k) kernels: a 2-D network on one frame, through the same task, evaluated on N frames
        NetworkSpec oneFrame = NetworkConfig.read("""
                network {
                  name = frame2d
                  input = [3, 1, 12, 12]
                  layers = [
                    { type = conv3d, name = conv1, filters = 4, kernel = [1, 3, 3], padding = [0, 1, 1] }
                    { type = relu }
                    { type = global_avgpool }
                    { type = dense, name = logits, units = 4 }
                  ]
                }
                """, "test network");
        new VideoTask(4).prepare(oneFrame);
        ClipSampling s = new ClipSampling(1, 4, true);
        Example e = coded("v", 1, 7, 2, 2, 0);
        float[] out = new float[4];
        int[] frames = new int[4];
        for (int j = 0; j < 4; j++) {
            VideoTask.evalClip(e, s, j, 4, 2, 2, out, 0);
            frames[j] = (int) out[0] / 100;
        }
        assertArrayEquals(new int[] {0, 2, 4, 6}, frames, "4 frames evenly spaced over 7");
    }

    @Test
    void aStrideTooLongForTheStoredClipShrinksToTheLongestThatFits() {
        ClipSampling s = new ClipSampling(4, 3, false);
        assertEquals(3, s.stride("v", 10));
        assertEquals(2, s.stride("v", 9));
        assertEquals(1, s.stride("v", 4));
        assertEquals(1, new ClipSampling(1, 5, true).stride("v", 1));
    }

    @Test
    void tooFewFramesOrFramesSmallerThanTheInputAreRefusedNamingTheClip() {
        ClipSampling s = new ClipSampling(4, 1, true);
        BadExampleException e = assertThrows(BadExampleException.class,
                () -> VideoTask.evalClip(coded("val/abc_000001_000011.mp4", 3, 3, 4, 4, 0), s, 0, 1, 4, 4, new float[192], 0));
        assertTrue(e.getMessage().contains("val/abc_000001_000011.mp4") && e.getMessage().contains("holds 3 frames, fewer than the 4"),
                e.getMessage());
        e = assertThrows(BadExampleException.class,
                () -> VideoTask.evalClip(coded("val/small.mp4", 3, 4, 4, 3, 0), s, 0, 1, 4, 4, new float[192], 0));
        assertTrue(e.getMessage().contains("val/small.mp4") && e.getMessage().contains("frames are 3x4")
                && e.getMessage().contains("smaller than the network input 4x4"), e.getMessage());
    }
}
