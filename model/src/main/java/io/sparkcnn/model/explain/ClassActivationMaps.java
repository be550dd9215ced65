package io.sparkcnn.model.explain;

import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.tensor.Shape;

/**
 * Class activation maps of a batch of images at one feature map A (K channels of H x W): for
 * each image a class (the predicted one or a requested one) and a linear map sum_k w_k A_k,
 * whose weights {@link GradCam} and {@link Cam} find in their own ways. The network runs in
 * evaluation mode, at its batch size; every buffer is made once, so a batch allocates nothing
 * but the heatmaps the caller asks for. Not thread-safe: one per network.
 */
public abstract class ClassActivationMaps {
    /** Which maps: Grad-CAM (any network) or CAM (global average pooling, then the dense output). */
    public enum Method { GRADCAM, CAM }

    protected final Network net;
    protected final String layer;
    protected final int batch, classes, channels, height, width, plane;
    private final int inputSize;
    private final float[] in, logits;
    protected final float[] activations, weights;
    protected final int[] explained;
    private final int[] predicted;
    private final float[] raw;
    private int count;

    protected ClassActivationMaps(Network net, String layer) {
        this.net = net;
        this.layer = layer;
        Shape out = net.shape(net.spec().outputNode().name());
        if (out.rank() != 1) {
            throw new IllegalArgumentException("network '" + net.spec().name() + "' outputs " + out + ", not class scores (C):"
                    + " class activation maps explain classifiers");
        }
        Shape map = net.shape(layer);
        this.batch = net.batch();
        this.classes = out.channels();
        this.channels = map.channels();
        this.height = map.dim(1);
        this.width = map.dim(2);
        this.plane = height * width;
        this.inputSize = net.inputSize();
        this.in = new float[batch * inputSize];
        this.logits = new float[batch * classes];
        this.activations = new float[net.nodeLength(layer)];
        this.weights = new float[batch * channels];
        this.explained = new int[batch];
        this.predicted = new int[batch];
        this.raw = new float[plane];
    }

    /** Grad-CAM or CAM of this network at layer (null or empty: {@link ExplainLayers#defaultLayer}). */
    public static ClassActivationMaps of(Network net, Method method, String layer) {
        return method == Method.CAM ? new Cam(net, layer) : new GradCam(net, layer);
    }

    /**
     * Explains count (1..batch) images from inputs[off] (network input layout, normalised):
     * requested[i] is the class to explain for image i, or negative for the predicted class
     * (requested may be null: all predicted). The padding rows of a short batch are zeros.
     */
    public final void run(float[] inputs, int off, int count, int[] requested) {
        if (count < 1 || count > batch) throw new IllegalArgumentException("count " + count + " outside 1.." + batch);
        this.count = count;
        System.arraycopy(inputs, off, in, 0, count * inputSize);
        java.util.Arrays.fill(in, count * inputSize, in.length, 0f);
        net.setInput(in, 0);
        forwardAndWeigh(count, requested);
    }

    /** Forward (and for Grad-CAM backward), leaving {@link #activations} and per-image {@link #weights}. */
    abstract void forwardAndWeigh(int count, int[] requested);

    /** After the forward: the logits, each image's predicted and explained class. */
    final void readScores(int count, int[] requested) {
        net.readOutput(logits);
        for (int i = 0; i < count; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
            predicted[i] = best;
            int r = requested == null ? -1 : requested[i];
            if (r >= classes) {
                throw new IllegalArgumentException("class " + r + " requested, but network '" + net.spec().name() + "' has "
                        + classes + " classes (0.." + (classes - 1) + ")");
            }
            explained[i] = r < 0 ? best : r;
        }
    }

    public String layer() { return layer; }

    public int batch() { return batch; }

    public int classes() { return classes; }

    /** The feature map's size: the raw maps' resolution. */
    public int mapHeight() { return height; }

    public int mapWidth() { return width; }

    /** Images of the last run. */
    public int count() { return count; }

    public int explainedClass(int i) { return explained[check(i)]; }

    public int predictedClass(int i) { return predicted[check(i)]; }

    /** The class score (logit, before softmax) of class c for image i. */
    public float logit(int i, int c) { return logits[check(i) * classes + c]; }

    /** Softmax probability of class c for image i, in double. */
    public double probability(int i, int c) {
        int base = check(i) * classes;
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int k = 0; k < classes; k++) max = Math.max(max, logits[base + k]);
        for (int k = 0; k < classes; k++) sum += Math.exp(logits[base + k] - max);
        return Math.exp(logits[base + c] - max) / sum;
    }

    /** The K channel weights of image i (Grad-CAM: mean gradient; CAM: the dense row of the class). */
    public void channelWeights(int i, float[] dst, int off) {
        System.arraycopy(weights, check(i) * channels, dst, off, channels);
    }

    /** sum_k w_k A_k of image i at the feature map's resolution, before any ReLU, into dst[off..off+H*W). */
    public void rawMap(int i, float[] dst, int off) {
        int a = check(i) * channels * plane, w = i * channels;
        for (int p = 0; p < plane; p++) dst[off + p] = 0f;
        for (int k = 0; k < channels; k++) {
            float wk = weights[w + k];
            int base = a + k * plane;
            for (int p = 0; p < plane; p++) dst[off + p] += wk * activations[base + p];
        }
    }

    /** The heatmap of image i at outH x outW: ReLU of the raw map, bilinear, scaled to [0, 1] (a new array). */
    public float[] heatmap(int i, int outH, int outW) {
        rawMap(i, raw, 0);
        return Heatmap.normalised(raw, height, width, outH, outW);
    }

    private int check(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("image " + i + " of the last run's " + count);
        return i;
    }
}
