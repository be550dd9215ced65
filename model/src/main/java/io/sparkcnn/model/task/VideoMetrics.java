package io.sparkcnn.model.task;

/**
 * Clip and video accuracy of logits (N, C) against float class indices (N). Every clip counts
 * alone for clip top-1/top-5, the mean clip loss and per-class clip accuracy; each run of
 * clipsPerVideo consecutive clips is one video (they must share a label), whose softmax
 * probabilities averaged over its clips give video top-1/top-5 and per-class video accuracy.
 * A video's clips may arrive over several {@link #add} calls; the state travels (toLongs,
 * merge) only between whole videos. Top-k counts a class as in the top k when fewer than k
 * classes score strictly higher (ties favour the truth), as {@link ClassificationMetrics} does.
 */
public final class VideoMetrics implements MetricAccumulator {
    private final int classes, clipsPerVideo;
    private long clips, clipCorrect, clipTop5, videos, videoCorrect, videoTop5;
    private double clipLossSum;
    private final long[] classClips, classClipCorrect, classVideos, classVideoCorrect;
    // the video being scored: its clips so far, their label, their summed probabilities
    private int pendingClips, pendingLabel;
    private final double[] pendingSum, probs;

    public VideoMetrics(int classes, int clipsPerVideo) {
        if (classes < 2) throw new IllegalArgumentException("video metrics need 2 or more classes, got " + classes);
        if (clipsPerVideo < 1) throw new IllegalArgumentException("a video needs 1 or more clips, got " + clipsPerVideo);
        this.classes = classes;
        this.clipsPerVideo = clipsPerVideo;
        classClips = new long[classes];
        classClipCorrect = new long[classes];
        classVideos = new long[classes];
        classVideoCorrect = new long[classes];
        pendingSum = new double[classes];
        probs = new double[classes];
    }

    @Override
    public int targetsPerExample() { return 1; }

    @Override
    public void add(float[] logits, int outOff, float[] labels, int labelOff, int rows) {
        for (int i = 0; i < rows; i++) {
            float lf = labels[labelOff + i];
            int label = (int) lf;
            if (label < 0 || label >= classes || lf != label) {
                throw new IllegalArgumentException("label " + lf + " of clip " + i + " is not a class index in [0, " + classes + ")");
            }
            if (pendingClips > 0 && label != pendingLabel) {
                throw new IllegalArgumentException("clip " + i + " has label " + label + " but is clip " + (pendingClips + 1)
                        + " of a video of label " + pendingLabel + " (a video's " + clipsPerVideo + " clips come consecutively)");
            }
            int base = outOff + i * classes;
            float max = logits[base];
            for (int c = 1; c < classes; c++) max = Math.max(max, logits[base + c]);
            double sumExp = 0;
            for (int c = 0; c < classes; c++) sumExp += probs[c] = Math.exp((double) logits[base + c] - max);
            for (int c = 0; c < classes; c++) pendingSum[c] += probs[c] / sumExp;
            clipLossSum += Math.log(sumExp) + max - logits[base + label];
            clips++;
            classClips[label]++;
            int above = 0;
            boolean best = true;
            for (int c = 0; c < classes; c++) {
                float v = logits[base + c];
                if (v > logits[base + label]) above++;
                if (c < label ? v >= logits[base + label] : v > logits[base + label]) best = false; // ties go to the lower class
            }
            if (best) {
                clipCorrect++;
                classClipCorrect[label]++;
            }
            if (above < 5) clipTop5++;
            pendingLabel = label;
            if (++pendingClips == clipsPerVideo) closeVideo();
        }
    }

    private void closeVideo() {
        int label = pendingLabel, above = 0;
        boolean best = true;
        double truth = pendingSum[label];
        for (int c = 0; c < classes; c++) {
            double v = pendingSum[c];
            if (v > truth) above++;
            if (c < label ? v >= truth : v > truth) best = false;
        }
        videos++;
        classVideos[label]++;
        if (best) {
            videoCorrect++;
            classVideoCorrect[label]++;
        }
        if (above < 5) videoTop5++;
        java.util.Arrays.fill(pendingSum, 0);
        pendingClips = 0;
    }

    private void requireWholeVideos(String what) {
        if (pendingClips != 0) {
            throw new IllegalStateException("cannot " + what + " in the middle of a video: " + pendingClips + " of its "
                    + clipsPerVideo + " clips scored");
        }
    }

    @Override
    public void merge(MetricAccumulator other) {
        if (!(other instanceof VideoMetrics o) || o.classes != classes || o.clipsPerVideo != clipsPerVideo) {
            throw new IllegalArgumentException("cannot merge " + ClassificationMetrics.describe(other) + " into video metrics of "
                    + classes + " classes, " + clipsPerVideo + " clips per video");
        }
        requireWholeVideos("merge");
        o.requireWholeVideos("merge");
        clips += o.clips;
        clipCorrect += o.clipCorrect;
        clipTop5 += o.clipTop5;
        clipLossSum += o.clipLossSum;
        videos += o.videos;
        videoCorrect += o.videoCorrect;
        videoTop5 += o.videoTop5;
        for (int c = 0; c < classes; c++) {
            classClips[c] += o.classClips[c];
            classClipCorrect[c] += o.classClipCorrect[c];
            classVideos[c] += o.classVideos[c];
            classVideoCorrect[c] += o.classVideoCorrect[c];
        }
    }

    /** Clips scored. */
    @Override
    public long count() { return clips; }

    private static final int HEAD = 7;

    /** [clips, clipCorrect, clipTop5, clipLossSum bits, videos, videoCorrect, videoTop5, then per class: clips, clip correct, videos, video correct]. */
    @Override
    public long[] toLongs() {
        requireWholeVideos("ship the metrics");
        long[] a = new long[HEAD + 4 * classes];
        a[0] = clips;
        a[1] = clipCorrect;
        a[2] = clipTop5;
        a[3] = Double.doubleToRawLongBits(clipLossSum);
        a[4] = videos;
        a[5] = videoCorrect;
        a[6] = videoTop5;
        for (int c = 0; c < classes; c++) {
            a[HEAD + 4 * c] = classClips[c];
            a[HEAD + 4 * c + 1] = classClipCorrect[c];
            a[HEAD + 4 * c + 2] = classVideos[c];
            a[HEAD + 4 * c + 3] = classVideoCorrect[c];
        }
        return a;
    }

    public static VideoMetrics fromLongs(int classes, int clipsPerVideo, long[] a) {
        if (a.length != HEAD + 4 * classes) {
            throw new IllegalArgumentException("video metrics of " + classes + " classes take " + (HEAD + 4 * classes)
                    + " longs, got " + a.length);
        }
        VideoMetrics m = new VideoMetrics(classes, clipsPerVideo);
        m.clips = a[0];
        m.clipCorrect = a[1];
        m.clipTop5 = a[2];
        m.clipLossSum = Double.longBitsToDouble(a[3]);
        m.videos = a[4];
        m.videoCorrect = a[5];
        m.videoTop5 = a[6];
        for (int c = 0; c < classes; c++) {
            m.classClips[c] = a[HEAD + 4 * c];
            m.classClipCorrect[c] = a[HEAD + 4 * c + 1];
            m.classVideos[c] = a[HEAD + 4 * c + 2];
            m.classVideoCorrect[c] = a[HEAD + 4 * c + 3];
        }
        if (m.clips != m.videos * clipsPerVideo) {
            throw new IllegalArgumentException(m.clips + " clips are not " + m.videos + " videos of " + clipsPerVideo + " clips");
        }
        return m;
    }

    public int classes() { return classes; }

    public int clipsPerVideo() { return clipsPerVideo; }

    public long clips() { return clips; }

    public long videos() { return videos; }

    public double clipAccuracy() { return ratio(clipCorrect, clips); }

    public double clipTop5Accuracy() { return ratio(clipTop5, clips); }

    public double meanClipLoss() { return clips == 0 ? Double.NaN : clipLossSum / clips; }

    public double videoAccuracy() { return ratio(videoCorrect, videos); }

    public double videoTop5Accuracy() { return ratio(videoTop5, videos); }

    /** Clips of class c scored, and right at top-1. */
    public long classClips(int c) { return classClips[c]; }

    public double classClipAccuracy(int c) { return ratio(classClipCorrect[c], classClips[c]); }

    public long classVideos(int c) { return classVideos[c]; }

    public double classVideoAccuracy(int c) { return ratio(classVideoCorrect[c], classVideos[c]); }

    private static double ratio(long a, long b) { return b == 0 ? Double.NaN : (double) a / b; }
}
