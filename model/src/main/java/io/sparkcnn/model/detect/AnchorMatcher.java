package io.sparkcnn.model.detect;

/**
 * SSD's matching of anchors to ground truth by IoU. First the bipartite step (Liu et al., as
 * Caffe's MatchBBox): repeatedly the highest-IoU pair of a not yet matched non-crowd box and a
 * not yet taken anchor is matched, so every box that overlaps any anchor gets its best one, even
 * below the positive threshold, and two boxes never take the same anchor. Then every other anchor
 * goes to its best non-crowd box: positive at IoU &gt;= posThreshold, negative below
 * negThreshold, ignored in between. Crowd boxes are never matched; an anchor that is not
 * positive and overlaps a crowd box at IoU &gt;= negThreshold is ignored, not a negative (its best
 * overlap is then the crowd region). An image without boxes gives all negatives. Ties go to the
 * lower index, so the result is deterministic.
 */
public record AnchorMatcher(float posThreshold, float negThreshold) {
    /** Match value of a background anchor. */
    public static final int NEGATIVE = -1;
    /** Match value of an anchor that trains neither way. */
    public static final int IGNORE = -2;

    public static final AnchorMatcher SSD = new AnchorMatcher(0.5f, 0.4f);

    public AnchorMatcher {
        if (!(posThreshold > 0) || !(posThreshold <= 1)) {
            throw new IllegalArgumentException("matching: positive IoU threshold must be in (0, 1], got " + posThreshold);
        }
        if (!(negThreshold >= 0) || !(negThreshold <= posThreshold)) {
            throw new IllegalArgumentException("matching: negative IoU threshold must be in [0, positive threshold "
                    + posThreshold + "], got " + negThreshold);
        }
    }

    /** One image's matching. */
    public record Result(int[] match, int positives, int negatives, int ignored, int unmatchedBoxes) {
        /** The ground-truth box anchor i was matched to, {@link #NEGATIVE} or {@link #IGNORE}. */
        public int of(int anchor) { return match[anchor]; }
    }

    public Result match(Anchors anchors, GroundTruth gt) {
        int a = anchors.count(), n = gt.size();
        int[] match = new int[a];
        java.util.Arrays.fill(match, NEGATIVE);
        float[] iou = new float[n * a];
        float[] best = new float[a];
        int[] bestBox = new int[a];
        float[] crowdBest = new float[a];
        java.util.Arrays.fill(bestBox, -1);
        for (int g = 0; g < n; g++) {
            Box b = gt.box(g);
            for (int i = 0; i < a; i++) {
                float v = Box.iou(anchors.x1(i), anchors.y1(i), anchors.x2(i), anchors.y2(i), b.x1(), b.y1(), b.x2(), b.y2());
                iou[g * a + i] = v;
                if (gt.isCrowd(g)) {
                    if (v > crowdBest[i]) crowdBest[i] = v;
                } else if (v > best[i]) {
                    best[i] = v;
                    bestBox[i] = g;
                }
            }
        }
        boolean[] taken = new boolean[a];
        int unmatched = bipartite(gt, iou, a, match, taken);
        for (int i = 0; i < a; i++) {
            if (taken[i]) continue;
            if (bestBox[i] >= 0 && best[i] >= posThreshold) match[i] = bestBox[i];
            else if (best[i] >= negThreshold || crowdBest[i] >= negThreshold) match[i] = IGNORE;
        }
        int pos = 0, neg = 0, ign = 0;
        for (int m : match) {
            if (m >= 0) pos++;
            else if (m == NEGATIVE) neg++;
            else ign++;
        }
        return new Result(match, pos, neg, ign, unmatched);
    }

    // greedy global-maximum matching of non-crowd boxes to distinct anchors; returns boxes left without one
    private static int bipartite(GroundTruth gt, float[] iou, int a, int[] match, boolean[] taken) {
        int n = gt.size();
        boolean[] done = new boolean[n];
        int[] cand = new int[n];
        int open = 0;
        for (int g = 0; g < n; g++) {
            if (gt.isCrowd(g)) done[g] = true;
            else {
                cand[g] = bestFree(iou, g, a, taken);
                open++;
            }
        }
        int unmatched = 0;
        while (open > 0) {
            int pick = -1;
            float top = 0f;
            for (int g = 0; g < n; g++) {
                if (!done[g] && cand[g] >= 0 && iou[g * a + cand[g]] > top) {
                    top = iou[g * a + cand[g]];
                    pick = g;
                }
            }
            if (pick < 0) {
                unmatched += open;   // the rest overlap no free anchor at all
                break;
            }
            int anchor = cand[pick];
            match[anchor] = pick;
            taken[anchor] = true;
            done[pick] = true;
            open--;
            for (int g = 0; g < n; g++) if (!done[g] && cand[g] == anchor) cand[g] = bestFree(iou, g, a, taken);
        }
        return unmatched;
    }

    private static int bestFree(float[] iou, int g, int a, boolean[] taken) {
        int bestI = -1;
        float top = 0f;
        for (int i = 0; i < a; i++) {
            float v = iou[g * a + i];
            if (!taken[i] && v > top) {
                top = v;
                bestI = i;
            }
        }
        return bestI;
    }
}
