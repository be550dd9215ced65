package io.sparkcnn.jobs.data;

import io.sparkcnn.model.data.Task;

/** One class index per row: the image through {@link ImageTransform}, the label as one float. */
public final class ClassificationRows implements RowExamples {
    private static final long serialVersionUID = 1L;

    private final ImageTransform transform;
    private final int classes;

    /** classes: the model's; a training row outside them is an error (evaluation scores every label). */
    public ClassificationRows(ImageTransform transform, int classes) {
        this.transform = transform;
        this.classes = classes;
    }

    @Override
    public Task kind() { return Task.CLASSIFICATION; }

    @Override
    public int inputSize() { return transform.inputSize(); }

    @Override
    public int targetSize() { return 1; }

    @Override
    public void train(EncodedRows rows, int i, long exampleSeed, float[] inputs, int inOff, float[] targets, int targetOff) {
        transform.train(rows, i, exampleSeed, inputs, inOff);
        int label = rows.labels[i];
        if (label < 0 || label >= classes) {
            throw new IllegalStateException("row " + rows.keys[i] + " has label " + label + ", outside the model's "
                    + classes + " classes (model.classes)");
        }
        targets[targetOff] = label;
    }

    @Override
    public void eval(EncodedRows rows, int i, float[] inputs, int inOff, float[] targets, int targetOff) {
        transform.eval(rows, i, inputs, inOff);
        targets[targetOff] = rows.labels[i];
    }
}
