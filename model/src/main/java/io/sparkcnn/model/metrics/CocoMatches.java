package io.sparkcnn.model.metrics;

import io.sparkcnn.model.detect.Detections;
import io.sparkcnn.model.detect.ScoreOrder;
import java.util.Arrays;

/**
 * The per-image half of pycocotools' COCOeval (iouType bbox, evaluateImg): for every image and class
 * that has ground truth or detections, the class's detections in score order (at most 100) with, per
 * area range and IoU threshold, whether each is a true positive, ignored, or else a false positive, and
 * the ground truth counted (not ignored) per area range. Executors fill one each; the records merge
 * by concatenation and travel as a plain long[] ({@link #toLongs}, {@link #fromLongs}); the driver's
 * {@link #accumulate} is COCOeval.accumulate.
 *
 * <p>Matching as cocoeval: per threshold, detections in descending score (ties in the order given)
 * take the unmatched ground truth with the highest IoU at or above the threshold, regular ground truth
 * before ignored ones; crowd regions stay matchable and their IoU is intersection over the detection's
 * area; ground truth that is crowd or whose annotated area is outside the range is ignored, and so is a
 * detection matched to it, or unmatched with its own box area (w*h) outside the range; a second
 * detection of an object (a duplicate) is a false positive.
 *
 * <p>Classes are the contiguous indices 0..classes-1 ({@link CocoCategories} maps them to COCO ids).
 * Ground truth boxes are [x, y, w, h] (the shard's obj_bbox), detection boxes (x1, y1, x2, y2)
 * converted with {@link CocoBox#extent}. An image must be added once in all the merged parts.
 */
public final class CocoMatches {
    private static final long FORMAT = 0x434F434F_00000001L; // "COCO", layout 1
    private static final int HEADER = 4, PER_RECORD = 4, PER_DET = 3;
    /** Flags of one area range: true-positive bits 0..9, ignored bits 10..19; two ranges per long. */
    private static final int AREA_BITS = 20;
    private static final long AREA_MASK = (1L << AREA_BITS) - 1, TP_MASK = (1L << CocoParams.IOUS) - 1;

    private final int classes;
    // records: one per (image, class) with ground truth or detections
    private int records;
    private long[] recImage = new long[16];
    private int[] recClass = new int[16], recDetStart = new int[16], recDetCount = new int[16];
    private int[] recGt = new int[16 * CocoParams.AREAS];
    // detections of all records, each record's contiguous and in score order
    private int dets;
    private float[] detScore = new float[64];
    private long[] detFlags = new long[128];

    private final Matcher matcher;
    private float[] copyBoxes = new float[0], copyScores = new float[0]; // Detections as arrays, reused
    private int[] copyLabels = new int[0];

    public CocoMatches(int classes) {
        if (classes < 1) throw new IllegalArgumentException("COCO evaluation needs at least 1 class, got " + classes);
        this.classes = classes;
        this.matcher = new Matcher();
    }

    public int classes() { return classes; }

    /** (image, class) records so far. */
    public int records() { return records; }

    /** Detections kept in the records (at most 100 per image and class). */
    public int detections() { return dets; }

    /** Image with ground truth as the shard holds it (arrays' lengths give the count) and its detections. */
    public void addImage(long imageId, int[] gtLabels, float[] gtBoxes, float[] gtAreas, int[] gtCrowd, Detections d) {
        int n = d.count();
        if (copyScores.length < n) {
            copyBoxes = new float[4 * n];
            copyScores = new float[n];
            copyLabels = new int[n];
        }
        float[] boxes = copyBoxes, scores = copyScores;
        int[] labels = copyLabels;
        for (int i = 0; i < n; i++) {
            boxes[4 * i] = d.x1(i);
            boxes[4 * i + 1] = d.y1(i);
            boxes[4 * i + 2] = d.x2(i);
            boxes[4 * i + 3] = d.y2(i);
            scores[i] = d.score(i);
            labels[i] = d.label(i);
        }
        addImage(imageId, gtLabels, gtBoxes, gtAreas, gtCrowd, gtLabels.length, boxes, scores, labels, n);
    }

    /**
     * One image: gtCount objects with class gtLabels[i], box gtBoxes[4i..4i+4) = [x, y, w, h], annotated
     * area gtAreas[i] and gtCrowd[i] 1 for a crowd region (else 0); detCount detections with box
     * detBoxes[4j..4j+4) = (x1, y1, x2, y2), score detScores[j] and class detLabels[j].
     */
    public void addImage(long imageId, int[] gtLabels, float[] gtBoxes, float[] gtAreas, int[] gtCrowd, int gtCount,
            float[] detBoxes, float[] detScores, int[] detLabels, int detCount) {
        checkImage(imageId, gtLabels, gtBoxes, gtAreas, gtCrowd, gtCount, detBoxes, detScores, detLabels, detCount);
        matcher.image(imageId, gtLabels, gtBoxes, gtAreas, gtCrowd, gtCount, detBoxes, detScores, detLabels, detCount);
    }

    private void checkImage(long imageId, int[] gtLabels, float[] gtBoxes, float[] gtAreas, int[] gtCrowd, int gtCount,
            float[] detBoxes, float[] detScores, int[] detLabels, int detCount) {
        String where = "image " + imageId + ": ";
        if (gtCount < 0 || gtLabels.length < gtCount || gtBoxes.length < 4L * gtCount || gtAreas.length < gtCount
                || gtCrowd.length < gtCount) {
            throw new IllegalArgumentException(where + gtCount + " ground truth objects need " + gtCount + " labels, "
                    + 4L * gtCount + " box floats, " + gtCount + " areas and crowd flags; got " + gtLabels.length + ", "
                    + gtBoxes.length + ", " + gtAreas.length + ", " + gtCrowd.length);
        }
        if (detCount < 0 || detBoxes.length < 4L * detCount || detScores.length < detCount || detLabels.length < detCount) {
            throw new IllegalArgumentException(where + detCount + " detections need " + 4L * detCount + " box floats, "
                    + detCount + " scores and labels; got " + detBoxes.length + ", " + detScores.length + ", " + detLabels.length);
        }
        for (int i = 0; i < gtCount; i++) {
            float x = gtBoxes[4 * i], y = gtBoxes[4 * i + 1], w = gtBoxes[4 * i + 2], h = gtBoxes[4 * i + 3];
            if (gtLabels[i] < 0 || gtLabels[i] >= classes) {
                throw new IllegalArgumentException(where + "ground truth " + i + " has class " + gtLabels[i]
                        + ", outside [0, " + classes + ")");
            }
            if (!(Float.isFinite(x) && Float.isFinite(y) && w >= 0 && h >= 0 && Float.isFinite(w) && Float.isFinite(h))) {
                throw new IllegalArgumentException(where + "ground truth " + i + " box [x, y, w, h] = [" + x + ", " + y
                        + ", " + w + ", " + h + "] is not finite with w, h >= 0");
            }
            if (!(gtAreas[i] >= 0 && Float.isFinite(gtAreas[i]))) {
                throw new IllegalArgumentException(where + "ground truth " + i + " has area " + gtAreas[i]);
            }
            if (gtCrowd[i] != 0 && gtCrowd[i] != 1) {
                throw new IllegalArgumentException(where + "ground truth " + i + " has iscrowd " + gtCrowd[i] + ", not 0 or 1");
            }
        }
        for (int j = 0; j < detCount; j++) {
            float x1 = detBoxes[4 * j], y1 = detBoxes[4 * j + 1], x2 = detBoxes[4 * j + 2], y2 = detBoxes[4 * j + 3];
            if (detLabels[j] < 0 || detLabels[j] >= classes) {
                throw new IllegalArgumentException(where + "detection " + j + " has class " + detLabels[j]
                        + ", outside [0, " + classes + ")");
            }
            if (!(Float.isFinite(x1) && Float.isFinite(y1) && Float.isFinite(x2) && Float.isFinite(y2) && x2 >= x1 && y2 >= y1)) {
                throw new IllegalArgumentException(where + "detection " + j + " box (x1, y1, x2, y2) = (" + x1 + ", " + y1
                        + ", " + x2 + ", " + y2 + ") is not finite with x1 <= x2, y1 <= y2");
            }
            if (Float.isNaN(detScores[j])) throw new IllegalArgumentException(where + "detection " + j + " has a NaN score");
        }
    }

    /** Appends the other part's records (the other is unchanged). */
    public void merge(CocoMatches other) {
        if (other.classes != classes) {
            throw new IllegalArgumentException("cannot merge COCO matches of " + other.classes + " classes into " + classes);
        }
        for (int r = 0; r < other.records; r++) {
            int start = other.recDetStart[r], n = other.recDetCount[r];
            int mine = beginRecord(other.recImage[r], other.recClass[r]);
            System.arraycopy(other.recGt, r * CocoParams.AREAS, recGt, mine * CocoParams.AREAS, CocoParams.AREAS);
            for (int j = 0; j < n; j++) {
                addDet(other.detScore[start + j], other.detFlags[2 * (start + j)], other.detFlags[2 * (start + j) + 1]);
            }
            recDetCount[mine] = n;
        }
    }

    /** [format, classes, records, detections, per record (image id, class << 32 | detections, gt of areas 0|1, 2|3), per detection (score bits, flags of areas 0|1, 2|3)]. */
    public long[] toLongs() {
        long[] a = new long[HEADER + PER_RECORD * records + PER_DET * dets];
        a[0] = FORMAT;
        a[1] = classes;
        a[2] = records;
        a[3] = dets;
        int o = HEADER;
        for (int r = 0; r < records; r++) {
            a[o++] = recImage[r];
            a[o++] = ((long) recClass[r] << 32) | recDetCount[r];
            a[o++] = pair(recGt[4 * r], recGt[4 * r + 1]);
            a[o++] = pair(recGt[4 * r + 2], recGt[4 * r + 3]);
        }
        for (int j = 0; j < dets; j++) {
            a[o++] = Float.floatToRawIntBits(detScore[j]) & 0xffffffffL;
            a[o++] = detFlags[2 * j];
            a[o++] = detFlags[2 * j + 1];
        }
        return a;
    }

    /** Rebuilds matches from {@link #toLongs}, checking every field. */
    public static CocoMatches fromLongs(long[] a) {
        if (a.length < HEADER || a[0] != FORMAT) {
            throw new IllegalArgumentException("not COCO match records (" + a.length + " longs, format word "
                    + (a.length > 0 ? Long.toHexString(a[0]) : "missing") + ")");
        }
        long classes = a[1], records = a[2], dets = a[3];
        if (classes < 1 || classes > Integer.MAX_VALUE || records < 0 || dets < 0 || records > a.length || dets > a.length
                || a.length != HEADER + PER_RECORD * records + PER_DET * dets) {
            throw new IllegalArgumentException("COCO match records of " + classes + " classes, " + records + " records and "
                    + dets + " detections cannot be " + a.length + " longs");
        }
        CocoMatches m = new CocoMatches((int) classes);
        int o = HEADER, d = HEADER + PER_RECORD * (int) records;
        long detsSeen = 0;
        for (int r = 0; r < records; r++, o += PER_RECORD) {
            long cls = a[o + 1] >>> 32, n = a[o + 1] & 0xffffffffL;
            if (cls >= classes || n > CocoParams.maxDetsLargest() || detsSeen + n > dets) {
                throw new IllegalArgumentException("COCO match record " + r + " (image " + a[o] + ") has class " + cls
                        + " and " + n + " detections: out of range");
            }
            int mine = m.beginRecord(a[o], (int) cls);
            int[] gt = {(int) a[o + 2], (int) (a[o + 2] >>> 32), (int) a[o + 3], (int) (a[o + 3] >>> 32)};
            for (int k = 0; k < CocoParams.AREAS; k++) {
                if (gt[k] < 0) throw new IllegalArgumentException("COCO match record " + r + " has a negative ground truth count");
                m.recGt[4 * mine + k] = gt[k];
            }
            float previous = Float.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++, d += PER_DET) {
                float score = Float.intBitsToFloat((int) a[d]);
                if ((a[d] >>> 32) != 0 || !(score <= previous) || !validFlags(a[d + 1]) || !validFlags(a[d + 2])) {
                    throw new IllegalArgumentException("COCO match record " + r + " detection " + j
                            + " is malformed (score NaN or above the one before, or contradictory flags)");
                }
                previous = score;
                m.addDet(score, a[d + 1], a[d + 2]);
            }
            m.recDetCount[mine] = (int) n;
            detsSeen += n;
        }
        if (detsSeen != dets) {
            throw new IllegalArgumentException("COCO match records hold " + detsSeen + " detections, header says " + dets);
        }
        return m;
    }

    private static boolean validFlags(long f) {
        if ((f >>> (2 * AREA_BITS)) != 0) return false;
        for (int s = 0; s < 2 * AREA_BITS; s += AREA_BITS) {
            long area = (f >>> s) & AREA_MASK;
            if ((area & TP_MASK & (area >>> CocoParams.IOUS)) != 0) return false; // a TP is never ignored
        }
        return true;
    }

    private static long pair(int lo, int hi) {
        return (lo & 0xffffffffL) | ((long) hi << 32);
    }

    /** COCOeval.accumulate over all records: precision and recall per threshold, class, area and maxDets. */
    public CocoEvaluation accumulate() {
        Integer[] order = new Integer[records];
        for (int r = 0; r < records; r++) order[r] = r;
        // by class, then image id as cocoeval's sorted imgIds (its ties across images go by image order)
        Arrays.sort(order, (p, q) -> recClass[p] != recClass[q] ? Integer.compare(recClass[p], recClass[q])
                : Long.compare(recImage[p], recImage[q]));
        for (int i = 1; i < records; i++) {
            int p = order[i - 1], q = order[i];
            if (recClass[p] == recClass[q] && recImage[p] == recImage[q]) {
                throw new IllegalStateException("image " + recImage[q] + " was evaluated twice (class " + recClass[q]
                        + "): each image must be added once over all merged parts");
            }
        }
        int T = CocoParams.IOUS, R = CocoParams.RECALLS, K = classes, A = CocoParams.AREAS, M = CocoParams.MAX_DETS_COUNT;
        double[] precision = new double[T * R * K * A * M];
        double[] recall = new double[T * K * A * M];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        float[] scores = new float[Math.max(1, dets)];
        long[] flags = new long[Math.max(1, dets)];
        int[] sorted = new int[Math.max(1, dets)];
        long[] keys = new long[Math.max(1, dets)];
        double[] rc = new double[Math.max(1, dets)], pr = new double[Math.max(1, dets)];
        int from = 0;
        while (from < records) {
            int k = recClass[order[from]], to = from;
            while (to < records && recClass[order[to]] == k) to++;
            for (int a = 0; a < A; a++) {
                long npig = 0;
                for (int i = from; i < to; i++) npig += recGt[4 * order[i] + a];
                if (npig == 0) continue;
                for (int m = 0; m < M; m++) {
                    int maxDet = CocoParams.maxDets(m), nd = 0;
                    for (int i = from; i < to; i++) {
                        int r = order[i], s = recDetStart[r], n = Math.min(recDetCount[r], maxDet);
                        for (int j = 0; j < n; j++, nd++) {
                            scores[nd] = detScore[s + j];
                            flags[nd] = (detFlags[2 * (s + j) + a / 2] >>> (AREA_BITS * (a % 2))) & AREA_MASK;
                        }
                    }
                    ScoreOrder.sort(scores, 0, nd, sorted, keys);
                    for (int t = 0; t < T; t++) {
                        curve(flags, sorted, nd, t, npig, rc, pr);
                        recall[((t * K + k) * A + a) * M + m] = nd > 0 ? rc[nd - 1] : 0;
                        int i = 0;
                        for (int ri = 0; ri < R; ri++) {
                            double thr = CocoParams.recallThreshold(ri);
                            while (i < nd && rc[i] < thr) i++;
                            precision[(((t * R + ri) * K + k) * A + a) * M + m] = i < nd ? pr[i] : 0;
                        }
                    }
                }
            }
            from = to;
        }
        return new CocoEvaluation(classes, precision, recall);
    }

    /** Recall and the precision envelope (made non-increasing from the right) after each detection at threshold t. */
    private static void curve(long[] flags, int[] sorted, int nd, int t, long npig, double[] rc, double[] pr) {
        double tp = 0, fp = 0;
        for (int i = 0; i < nd; i++) {
            long f = flags[sorted[i]];
            if ((f >>> t & 1) != 0) tp++;
            else if ((f >>> (CocoParams.IOUS + t) & 1) == 0) fp++;
            rc[i] = tp / npig;
            pr[i] = tp / (fp + tp + EPS);
        }
        for (int i = nd - 1; i > 0; i--) {
            if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
        }
    }

    /** numpy's spacing(1), which cocoeval adds to precision's denominator. */
    private static final double EPS = Math.ulp(1.0);

    private int beginRecord(long imageId, int cls) {
        if (records == recImage.length) {
            int c = 2 * records;
            recImage = Arrays.copyOf(recImage, c);
            recClass = Arrays.copyOf(recClass, c);
            recDetStart = Arrays.copyOf(recDetStart, c);
            recDetCount = Arrays.copyOf(recDetCount, c);
            recGt = Arrays.copyOf(recGt, c * CocoParams.AREAS);
        }
        recImage[records] = imageId;
        recClass[records] = cls;
        recDetStart[records] = dets;
        recDetCount[records] = 0;
        Arrays.fill(recGt, records * CocoParams.AREAS, (records + 1) * CocoParams.AREAS, 0);
        return records++;
    }

    private void addDet(float score, long flagsLo, long flagsHi) {
        if (dets == detScore.length) {
            detScore = Arrays.copyOf(detScore, 2 * dets);
            detFlags = Arrays.copyOf(detFlags, 4 * dets);
        }
        detScore[dets] = score;
        detFlags[2 * dets] = flagsLo;
        detFlags[2 * dets + 1] = flagsHi;
        dets++;
    }

    /** evaluateImg for every class of one image; scratch kept between images. */
    private final class Matcher {
        private final int[] gtOfClass = new int[classes + 1], detOfClass = new int[classes + 1];
        private final int[] classStart = new int[classes + 1], next = new int[classes];
        private int[] gtBy = new int[16], detBy = new int[16], detSorted = new int[16], gtOrder = new int[16];
        private long[] keys = new long[16];
        private float[] classScores = new float[16];
        private double[] ious = new double[64];
        private boolean[] gtIgnored = new boolean[16], gtTaken = new boolean[16];

        void image(long imageId, int[] gtLabels, float[] gtBoxes, float[] gtAreas, int[] gtCrowd, int gtCount,
                float[] detBoxes, float[] detScores, int[] detLabels, int detCount) {
            gtBy = byClass(gtLabels, gtCount, gtBy);
            System.arraycopy(classStart, 0, gtOfClass, 0, classes + 1);
            detBy = byClass(detLabels, detCount, detBy);
            System.arraycopy(classStart, 0, detOfClass, 0, classes + 1);
            for (int c = 0; c < classes; c++) {
                int g0 = gtOfClass[c], G = gtOfClass[c + 1] - g0, d0 = detOfClass[c], Dall = detOfClass[c + 1] - d0;
                if (G == 0 && Dall == 0) continue;
                // detections of the class by score, highest first, ties in the given order; at most 100
                if (classScores.length < Dall) {
                    classScores = new float[Dall];
                    detSorted = new int[Dall];
                    keys = new long[Dall];
                }
                for (int j = 0; j < Dall; j++) classScores[j] = detScores[detBy[d0 + j]];
                ScoreOrder.sort(classScores, 0, Dall, detSorted, keys);
                int D = Math.min(Dall, CocoParams.maxDetsLargest());
                for (int j = 0; j < D; j++) detSorted[j] = detBy[d0 + detSorted[j]];
                // IoU of detection j (score order) with ground truth g (given order)
                if (ious.length < D * G) ious = new double[D * G];
                for (int j = 0; j < D; j++) {
                    int b = 4 * detSorted[j];
                    double dx = detBoxes[b], dy = detBoxes[b + 1];
                    double dw = CocoBox.extent(detBoxes[b], detBoxes[b + 2]), dh = CocoBox.extent(detBoxes[b + 1], detBoxes[b + 3]);
                    for (int g = 0; g < G; g++) {
                        int gb = 4 * gtBy[g0 + g];
                        ious[j * G + g] = CocoBox.iou(dx, dy, dw, dh, gtBoxes[gb], gtBoxes[gb + 1], gtBoxes[gb + 2],
                                gtBoxes[gb + 3], gtCrowd[gtBy[g0 + g]] == 1);
                    }
                }
                int rec = beginRecord(imageId, c);
                for (int j = 0; j < D; j++) addDet(detScores[detSorted[j]], 0, 0);
                recDetCount[rec] = D;
                if (gtIgnored.length < G) {
                    gtIgnored = new boolean[G];
                    gtTaken = new boolean[G];
                    gtOrder = new int[G];
                }
                for (int a = 0; a < CocoParams.AREAS; a++) {
                    match(rec, a, g0, G, D, gtAreas, gtCrowd, detBoxes);
                }
            }
        }

        /** evaluateImg at area range a: flags of the record's detections, and its ground truth not ignored. */
        private void match(int rec, int a, int g0, int G, int D, float[] gtAreas, int[] gtCrowd, float[] detBoxes) {
            int kept = 0;
            for (int g = 0; g < G; g++) {
                int obj = gtBy[g0 + g];
                gtIgnored[g] = gtCrowd[obj] == 1 || CocoParams.outside(gtAreas[obj], a);
                if (!gtIgnored[g]) gtOrder[kept++] = g;
            }
            recGt[rec * CocoParams.AREAS + a] = kept;
            for (int g = 0, i = kept; g < G; g++) if (gtIgnored[g]) gtOrder[i++] = g; // ignored last, order kept
            int start = recDetStart[rec];
            for (int t = 0; t < CocoParams.IOUS; t++) {
                Arrays.fill(gtTaken, 0, G, false);
                for (int j = 0; j < D; j++) {
                    double best = Math.min(CocoParams.iouThreshold(t), 1 - 1e-10);
                    int m = -1;
                    for (int oi = 0; oi < G; oi++) {
                        int g = gtOrder[oi];
                        boolean crowd = gtCrowd[gtBy[g0 + g]] == 1;
                        if (gtTaken[g] && !crowd) continue;
                        if (m > -1 && !gtIgnored[m] && gtIgnored[g]) break;
                        double iou = ious[j * G + g];
                        if (iou < best) continue;
                        best = iou;
                        m = g;
                    }
                    long bit;
                    if (m == -1) {
                        int b = 4 * detSorted[j];
                        double area = CocoBox.extent(detBoxes[b], detBoxes[b + 2]) * CocoBox.extent(detBoxes[b + 1], detBoxes[b + 3]);
                        bit = CocoParams.outside(area, a) ? 1L << (CocoParams.IOUS + t) : 0;
                    } else {
                        gtTaken[m] = true;
                        bit = gtIgnored[m] ? 1L << (CocoParams.IOUS + t) : 1L << t;
                    }
                    detFlags[2 * (start + j) + a / 2] |= bit << (AREA_BITS * (a % 2));
                }
            }
        }

        /** Stable counting sort of positions 0..n-1 by label into into[]; classStart gets each class's offset. */
        private int[] byClass(int[] labels, int n, int[] into) {
            if (into.length < n) into = new int[Math.max(n, 2 * into.length)];
            Arrays.fill(classStart, 0);
            for (int i = 0; i < n; i++) classStart[labels[i] + 1]++;
            for (int c = 0; c < classes; c++) classStart[c + 1] += classStart[c];
            System.arraycopy(classStart, 0, next, 0, classes);
            for (int i = 0; i < n; i++) into[next[labels[i]]++] = i;
            return into;
        }
    }
}
