package io.sparkcnn.model.explain;

import io.sparkcnn.model.graph.Network;

/**
 * Grad-CAM (Selvaraju et al., 2017): forward in evaluation mode, the one-hot gradient of the
 * explained class's score (its logit, before softmax: not the loss) written at the output, the
 * backward of the layers after the explained layer only, and per image the channel weights
 * w_k = mean over (h, w) of d score / d A_k(h, w); the map is ReLU(sum_k w_k A_k).
 */
public final class GradCam extends ClassActivationMaps {
    private final boolean[] after;
    private final float[] seed, gradients;
    private final String output;

    /** layer null or empty: {@link ExplainLayers#defaultLayer}. */
    public GradCam(Network net, String layer) {
        super(net, ExplainLayers.resolve(net.spec(), layer));
        this.after = ExplainLayers.dependents(net.spec(), this.layer);
        this.output = net.spec().outputNode().name();
        this.seed = new float[batch * classes];
        this.gradients = new float[activations.length];
    }

    @Override
    void forwardAndWeigh(int count, int[] requested) {
        net.zeroGrads();
        net.forward(false);
        readScores(count, requested);
        java.util.Arrays.fill(seed, 0f);
        for (int i = 0; i < count; i++) seed[i * classes + explained[i]] = 1f;
        net.writeGradient(output, seed, 0);
        net.backward(after);
        net.readActivation(layer, activations);
        net.readGradient(layer, gradients);
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < channels; k++) {
                int base = (i * channels + k) * plane;
                double sum = 0;
                for (int p = 0; p < plane; p++) sum += gradients[base + p];
                weights[i * channels + k] = (float) (sum / plane);
            }
        }
    }

    /** d score / d A of image i after the last run (K x H x W floats into dst[off..]): what the weights average. */
    public void gradient(int i, float[] dst, int off) {
        int n = channels * plane;
        if (i < 0 || i >= count()) throw new IndexOutOfBoundsException("image " + i + " of the last run's " + count());
        System.arraycopy(gradients, i * n, dst, off, n);
    }
}
