package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.graph.Network;

/**
 * Runs a block's rows through an inference network one batch at a time (the last batch padded
 * with zeros) and hands each batch's raw outputs to the caller: what predict does for every task.
 */
public final class InferenceBatches {
    /** The outputs of rows [start, start + rows) of the block, rows * outputSize floats from 0. */
    public interface Outputs {
        void accept(int start, int rows, float[] outputs);
    }

    private final Network net;
    private final int batch, inputSize;
    private final float[] in, out;

    public InferenceBatches(Network net) {
        this.net = net;
        this.batch = net.batch();
        this.inputSize = net.inputSize();
        this.in = new float[batch * inputSize];
        this.out = new float[batch * net.outputSize()];
    }

    void run(EvalRows.Block b, Outputs sink) { run(b.inputs(), b.size(), sink); }

    /** The same over count examples of inputs from 0 (a video block holds several clips per row). */
    public void run(float[] inputs, int count, Outputs sink) {
        int n = count;
        for (int start = 0; start < n; start += batch) {
            int rows = Math.min(batch, n - start);
            System.arraycopy(inputs, start * inputSize, in, 0, rows * inputSize);
            java.util.Arrays.fill(in, rows * inputSize, in.length, 0f);
            net.setInput(in, 0);
            net.forward(false);
            net.readOutput(out);
            sink.accept(start, rows, out);
        }
    }
}
