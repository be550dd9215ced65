package io.sparkcnn.model.task;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.ShapeException;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.Evaluation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassificationTaskTest {
    private static final Shape OUT = Shape.of(3);
    // three examples, three classes: predicted 2, 0, 1; truth 2, 1, 1
    private static final float[] LOGITS = {0, 1, 2, 3, 1, 2, 0, 5, -1};
    private static final float[] LABELS = {2, 1, 1};

    @Test
    void scoresAHandComputedBatch() {
        ClassificationMetrics m = new ClassificationTask(3).newMetrics(OUT);
        m.add(LOGITS, 0, LABELS, 0, 3);
        Evaluation e = m.evaluation();
        assertEquals(3, e.count());
        assertEquals(2, e.correct());
        assertEquals(3, e.top5Correct());
        double nll = lse(0, 1, 2) - 2 + lse(3, 1, 2) - 1 + lse(0, 5, -1) - 5;
        assertEquals(nll, e.lossSum(), 1e-12);
        assertEquals(1, e.confusion()[1][0]);
        assertEquals(1, e.confusion()[1][1]);
        assertEquals(1, e.confusion()[2][2]);
    }

    private static double lse(double... v) {
        double s = 0;
        for (double x : v) s += Math.exp(x);
        return Math.log(s);
    }

    @Test
    void partsMergeAndTravelAsLongsToTheWhole() {
        ClassificationTask task = new ClassificationTask(3);
        ClassificationMetrics whole = task.newMetrics(OUT), a = task.newMetrics(OUT), b = task.newMetrics(OUT);
        whole.add(LOGITS, 0, LABELS, 0, 3);
        a.add(LOGITS, 0, LABELS, 0, 1);
        b.add(LOGITS, 3, LABELS, 1, 2);
        ClassificationMetrics shipped = task.metricsFromLongs(OUT, b.toLongs());
        a.merge(shipped);
        assertArrayEquals(whole.toLongs(), a.toLongs());
        assertEquals(whole.evaluation().accuracy(), a.evaluation().accuracy());
        assertThrows(IllegalArgumentException.class, () -> a.merge(new SegmentationTask(3).newMetrics(Shape.of(3, 1, 1))));
        assertThrows(IllegalArgumentException.class, () -> task.metricsFromLongs(OUT, new long[5]));
    }

    @Test
    void targetsPredictionsAndNetworksAreChecked() {
        ClassificationTask task = new ClassificationTask(3);
        float[] t = new float[2];
        task.encodeTarget(Example.classified("a.png", 1, 1, 1, new float[1], 2), OUT, t, 1);
        assertEquals(2f, t[1]);
        BadExampleException e = assertThrows(BadExampleException.class,
                () -> task.encodeTarget(Example.classified("train/7.png", 1, 1, 1, new float[1], 3), OUT, t, 0));
        assertTrue(e.getMessage().contains("train/7.png") && e.getMessage().contains("label 3"), e.getMessage());

        int[] predicted = new int[3];
        task.predict(OUT, LOGITS, 0, 3, predicted, 0);
        assertArrayEquals(new int[]{2, 0, 1}, predicted);

        NetworkSpec four = NetworkSpec.builder("four", Shape.of(1, 2, 2)).add(new Flatten()).add("fc", new Dense(4)).build();
        ShapeException s = assertThrows(ShapeException.class, () -> task.prepare(four));
        assertTrue(s.getMessage().contains("fc") && s.getMessage().contains("3 classes"), s.getMessage());
        NetworkSpec three = NetworkSpec.builder("three", Shape.of(1, 2, 2)).add(new Flatten()).add("fc", new Dense(3)).build();
        assertEquals(new SoftmaxCrossEntropy(), task.prepare(three).loss());
    }
}
