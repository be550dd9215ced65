package io.sparkcnn.model.task;

import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoMetricsTest {
    // two videos of two clips, three classes
    // video A (class 0): clip [2,1,0] right, clip [0,3,0] wrong; mean softmax [.356,.599,.069] -> 1, wrong
    // video B (class 2): clip [0,0,1] right, clip [1,0,.5] wrong; mean softmax [.359,.199,.442] -> 2, right
    private static final float[] LOGITS = {2, 1, 0, 0, 3, 0, 0, 0, 1, 1, 0, 0.5f};
    private static final float[] LABELS = {0, 0, 2, 2};

    @Test
    void clipAndVideoAccuracyPerClassAndLossAsComputedByHand() {
        VideoMetrics m = new VideoMetrics(3, 2);
        m.add(LOGITS, 0, LABELS, 0, 4);
        assertEquals(4, m.clips());
        assertEquals(2, m.videos());
        assertEquals(0.5, m.clipAccuracy());
        assertEquals(1.0, m.clipTop5Accuracy());
        assertEquals(0.5, m.videoAccuracy());
        assertEquals(1.0, m.videoTop5Accuracy());
        assertEquals(0.5, m.classClipAccuracy(0));
        assertTrue(Double.isNaN(m.classClipAccuracy(1)), "no clip of class 1");
        assertEquals(0.5, m.classClipAccuracy(2));
        assertEquals(0.0, m.classVideoAccuracy(0));
        assertEquals(1.0, m.classVideoAccuracy(2));
        assertEquals(2, m.classClips(2));
        assertEquals(1, m.classVideos(0));
        double e = Math.E;
        double loss = -Math.log(e * e / (e * e + e + 1)) + Math.log(2 + e * e * e) + Math.log(2 + e) - 1
                + Math.log(e + 1 + Math.sqrt(e)) - 0.5;
        assertEquals(loss / 4, m.meanClipLoss(), 1e-6);
    }

    @Test
    void averagingTheSoftmaxIsNotAveragingTheLogits() {
        // clips [0,20,0], [5,0,0], [5,0,0]: mean logits [3.3, 6.7, 0] pick 1; the softmax caps the sure clip at 1,
        // so the mean probabilities [.658, .338, .004] pick 0, the truth
        float[] logits = {0, 20, 0, 5, 0, 0, 5, 0, 0};
        VideoMetrics m = new VideoMetrics(3, 3);
        m.add(logits, 0, new float[] {0, 0, 0}, 0, 3);
        double p0 = (1 / (Math.exp(20) + 2) + 2 * Math.exp(5) / (Math.exp(5) + 2)) / 3;
        double p1 = (Math.exp(20) / (Math.exp(20) + 2) + 2 / (Math.exp(5) + 2)) / 3;
        assertTrue(p0 > p1, p0 + " vs " + p1);
        assertEquals(1.0, m.videoAccuracy(), "class 0 by the mean softmax");
        assertEquals(2.0 / 3, m.clipAccuracy(), 1e-15);
    }

    @Test
    void topFiveCountsFewerThanFiveHigherClassesAndTiesGoToTheLowerClass() {
        VideoMetrics m = new VideoMetrics(7, 1);
        float[] ranked = {6, 5, 4, 3, 2, 1, 0};
        m.add(ranked, 0, new float[] {4}, 0, 1); // 4 classes above: top-5
        m.add(ranked, 0, new float[] {5}, 0, 1); // 5 above: not
        m.add(new float[] {1, 1, 1, 1, 1, 1, 1}, 0, new float[] {3}, 0, 1); // tie: top-1 is class 0, top-5 yes
        m.add(new float[] {1, 1, 1, 1, 1, 1, 1}, 0, new float[] {0}, 0, 1); // tie: class 0 is top-1
        assertEquals(0.25, m.clipAccuracy());
        assertEquals(0.75, m.clipTop5Accuracy());
        assertEquals(0.25, m.videoAccuracy());
        assertEquals(0.75, m.videoTop5Accuracy());
    }

    @Test
    void aVideoSplitOverBatchesAndPartitionsMergedScoresAsOneRun() {
        VideoMetrics whole = new VideoMetrics(3, 2);
        whole.add(LOGITS, 0, LABELS, 0, 4);
        VideoMetrics first = new VideoMetrics(3, 2);
        first.add(LOGITS, 0, LABELS, 0, 1); // half a video...
        IllegalStateException e = assertThrows(IllegalStateException.class, first::toLongs);
        assertTrue(e.getMessage().contains("1 of its 2 clips"), e.getMessage());
        first.add(LOGITS, 3, LABELS, 1, 1); // ...completed by the next batch
        VideoMetrics second = new VideoMetrics(3, 2);
        second.add(LOGITS, 6, LABELS, 2, 2);
        VideoTask task = new VideoTask(3).withClipsPerVideo(2);
        VideoMetrics merged = task.metricsFromLongs(Shape.of(3), first.toLongs());
        merged.merge(task.metricsFromLongs(Shape.of(3), second.toLongs()));
        long[] w = whole.toLongs(), g = merged.toLongs();
        assertEquals(Double.longBitsToDouble(w[3]), Double.longBitsToDouble(g[3]), 1e-12, "loss sum");
        w[3] = g[3] = 0;
        assertArrayEquals(w, g);
        assertEquals(0.5, merged.videoAccuracy());
    }

    @Test
    void clipsOfOneVideoMustShareALabelAndStatesMustBeWholeVideos() {
        VideoMetrics m = new VideoMetrics(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.add(LOGITS, 0, new float[] {0, 1}, 0, 2));
        assertTrue(e.getMessage().contains("label 1") && e.getMessage().contains("label 0"), e.getMessage());
        long[] bad = new VideoMetrics(3, 2).toLongs();
        bad[0] = 3; // 3 clips, 0 videos
        assertThrows(IllegalArgumentException.class, () -> VideoMetrics.fromLongs(3, 2, bad));
        assertThrows(IllegalArgumentException.class, () -> new VideoMetrics(3, 2).merge(new VideoMetrics(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> new VideoMetrics(3, 1).add(LOGITS, 0, new float[] {3}, 0, 1));
    }
}
