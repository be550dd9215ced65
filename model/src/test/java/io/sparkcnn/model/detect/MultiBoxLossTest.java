package io.sparkcnn.model.detect;

import io.sparkcnn.model.reference.FiniteDifference;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiBoxLossTest {

    @Test
    void valuesByHand() {
        // one image, 2 anchors, 1 class: anchor 0 positive (class 1), anchor 1 background; logits all 0
        float[] labels = {1, 0};
        double[] conf = {0, 0, 0, 0};
        boolean[] sel = new boolean[2];
        assertEquals(1, MultiBoxLoss.mine(1, 2, 1, conf, labels, 3, 3, sel, new long[2]));
        assertArrayEquals(new boolean[] {true, true}, sel);
        // ln 2 + ln 2 over N = 1
        assertEquals(2 * Math.log(2), MultiBoxLoss.classLoss(1, 2, 1, conf, labels, sel, null), 1e-12);
        // d = (0.5, -2, 0, 0) on the positive, beta 1: 0.125 + 1.5; anchor 1's offsets do not count
        double[] loc = {0.5, -2, 0, 0, 9, 9, 9, 9};
        assertEquals(1.625, MultiBoxLoss.boxLoss(1, 2, 1, loc, new double[8], labels, 1, null), 1e-12);
    }

    @Test
    void normalisedByThePositivesOfTheBatch() {
        // two images, one positive each: N = 2
        float[] labels = {1, -1, 1, -1};
        double[] loc = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0};
        assertEquals((0.5 + 2.5) / 2, MultiBoxLoss.boxLoss(2, 2, 1, loc, new double[16], labels, 1, null), 1e-12);
    }

    /** Background loss of anchor j grows with the logit of class 1 we give it. */
    private static double[] confWithBackgroundLoss(double[] classOneLogit) {
        double[] conf = new double[2 * classOneLogit.length];
        for (int j = 0; j < classOneLogit.length; j++) conf[2 * j + 1] = classOneLogit[j];
        return conf;
    }

    @Test
    void miningKeepsThreeNegativesPerPositiveWithTheLargestBackgroundLoss() {
        // image 0: 1 positive (anchor 0), anchor 1 ignored, negatives 2..7 with background losses in this order
        // image 1: no positive: keeps minNegatives = 2 of its negatives
        double[] logits = {0, 9, 0.1, 5, 0.3, 4, 0.2, 2, /* image 1 */ 1, 0, 3, 2, 0, 0, 0, 0};
        float[] labels = {1, -1, 0, 0, 0, 0, 0, 0, /* image 1 */ 0, -1, 0, 0, 0, 0, 0, -1};
        boolean[] sel = new boolean[16];
        int kept = MultiBoxLoss.mine(2, 8, 1, confWithBackgroundLoss(logits), labels, 3, 2, sel, new long[8]);
        assertEquals(3 + 2, kept);
        assertArrayEquals(new boolean[] {true, false, false, true, false, true, false, true,
                false, false, true, true, false, false, false, false}, sel);
    }

    @Test
    void miningTakesEveryNegativeWhenThereAreFewAndTiesGoToTheLowerAnchor() {
        float[] labels = {1, 1, 0, 0};
        boolean[] sel = new boolean[4];
        assertEquals(2, MultiBoxLoss.mine(1, 4, 1, new double[8], labels, 3, 0, sel, new long[4]));
        assertArrayEquals(new boolean[] {true, true, true, true}, sel);
        float[] allNeg = {0, 0, 0, 0};
        assertEquals(1, MultiBoxLoss.mine(1, 4, 1, new double[8], allNeg, 3, 1, sel, new long[4]));
        assertArrayEquals(new boolean[] {true, false, false, false}, sel, "equal losses: the lowest anchor");
        assertEquals(0, MultiBoxLoss.mine(1, 4, 1, new double[8], allNeg, 3, 0, sel, new long[4]));
    }

    @Test
    void aBatchWithoutBoxesStillHasAClassLossAndGradient() {
        float[] labels = {0, 0, 0, 0, 0, 0};
        double[] conf = {0, 1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0};
        boolean[] sel = new boolean[6];
        MultiBoxLoss.mine(2, 3, 1, conf, labels, 3, 1, sel, new long[3]);
        double[] d = new double[12];
        double loss = MultiBoxLoss.classLoss(2, 3, 1, conf, labels, sel, d);
        // image 0 keeps anchor 2 (logit 3), image 1 anchor 0 (ties): softplus(3) + ln 2 over max(1, 0)
        assertEquals(Math.log1p(Math.exp(3)) + Math.log(2), loss, 1e-12);
        assertTrue(d[5] > 0 && d[4] < 0, "the background of the mined anchor is pushed up");
        assertEquals(0.0, MultiBoxLoss.boxLoss(2, 3, 1, new double[24], new double[24], labels, 1, new double[24]));
    }

    @Test
    void badLabelsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultiBoxLoss.positives(1, 3, 2, new float[] {0, 3, 0}));
        assertTrue(e.getMessage().contains("anchor 1 of example 0") && e.getMessage().contains("1..2"), e.getMessage());
    }

    /**
     * The analytic gradient against central finite differences in double precision. Mining picks
     * a subset, a piecewise constant function of the logits, so the selection is computed once at
     * the base point and held fixed while the logits move (the gradient of the loss SSD trains).
     */
    @Test
    void gradientsMatchFiniteDifferencesWithTheMiningHeldFixed() {
        SplittableRandom r = new SplittableRandom(11);
        int batch = 3, anchors = 10, classes = 3, s = classes + 1;
        float[] labels = new float[batch * anchors];
        for (int i = 0; i < labels.length; i++) {
            int u = r.nextInt(10);
            labels[i] = u < 2 ? 1 + r.nextInt(classes) : u < 3 ? -1 : 0;
        }
        for (int j = 0; j < anchors; j++) labels[2 * anchors + j] = j == 0 ? -1 : 0;   // image 2 has no positive
        double[] conf = random(r, batch * anchors * s, 3), loc = random(r, batch * anchors * 4, 2);
        double[] target = random(r, batch * anchors * 4, 2);
        boolean[] sel = new boolean[batch * anchors];
        int kept = MultiBoxLoss.mine(batch, anchors, classes, conf, labels, 3, 2, sel, new long[anchors]);
        assertTrue(kept > 2, "some negatives are mined");
        double[] dConf = new double[conf.length], dLoc = new double[loc.length];
        MultiBoxLoss.classLoss(batch, anchors, classes, conf, labels, sel, dConf);
        MultiBoxLoss.boxLoss(batch, anchors, classes, loc, target, labels, 1, dLoc);
        double[] numConf = FiniteDifference.gradient(conf.clone(), 1e-6,
                c -> MultiBoxLoss.classLoss(batch, anchors, classes, c, labels, sel, null));
        double[] numLoc = FiniteDifference.gradient(loc.clone(), 1e-6,
                l -> MultiBoxLoss.boxLoss(batch, anchors, classes, l, target, labels, 1, null));
        assertTrue(FiniteDifference.maxRelativeError(dConf, numConf) < 1e-7, "class gradient");
        assertTrue(FiniteDifference.maxRelativeError(dLoc, numLoc) < 1e-7, "box gradient");
        double nonZero = 0;
        for (double v : dConf) nonZero += Math.abs(v);
        assertTrue(nonZero > 0.1, "the check would prove nothing on vanishing gradients");
        // unselected background anchors get no gradient
        for (int i = 0; i < sel.length; i++) {
            if (!sel[i]) for (int c = 0; c < s; c++) assertEquals(0.0, dConf[i * s + c], "anchor " + i);
        }
    }

    @Test
    void theInPlaceSortSorts() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n : new int[] {0, 1, 2, 7, 100, 5000}) {
            long[] a = new long[n + 3];
            for (int i = 0; i < a.length; i++) a[i] = r.nextInt(50) - 25;
            long[] expected = a.clone();
            java.util.Arrays.sort(expected, 0, n);
            MultiBoxLoss.heapSort(a, n);
            assertArrayEquals(expected, a, "n = " + n);
        }
    }

    static double[] random(SplittableRandom r, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = scale * (2 * r.nextDouble() - 1);
        return a;
    }
}
