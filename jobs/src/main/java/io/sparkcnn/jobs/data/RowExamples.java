package io.sparkcnn.jobs.data;

import io.sparkcnn.model.data.Task;

import java.io.Serializable;

/**
 * Shard row -> network input floats and target floats, as the plan's task wants them: a class
 * index for classification, a crop of train ids for segmentation. Shipped to the executors;
 * training draws come from a per-example seed only, so a retried task or a resumed run makes
 * the same example.
 */
public interface RowExamples extends Serializable {
    /** The shard layout the rows come in (which columns to read). */
    Task kind();

    /** Input floats per example. */
    int inputSize();

    /** Target floats per example. */
    int targetSize();

    /** A training example of row i (augmented with draws from exampleSeed). */
    void train(EncodedRows rows, int i, long exampleSeed, float[] inputs, int inOff, float[] targets, int targetOff);

    /** The deterministic evaluation example of row i. */
    void eval(EncodedRows rows, int i, float[] inputs, int inOff, float[] targets, int targetOff);
}
