package io.sparkcnn.model.task;

/** The class of highest score at each position; ties go to the lower class, as the evaluator always did. */
public final class Argmax {
    private Argmax() {}

    /** scores (rows,C,S) from src[off] -> rows*S class indices at dst[dstOff]. */
    public static void channels(float[] src, int off, int rows, int classes, int spatial, int[] dst, int dstOff) {
        for (int i = 0; i < rows; i++) {
            for (int s = 0; s < spatial; s++) dst[dstOff + i * spatial + s] = at(src, off + i * classes * spatial + s, classes, spatial);
        }
    }

    /** Argmax over classes of src[base + c * stride]. */
    static int at(float[] src, int base, int classes, int stride) {
        int best = 0;
        float max = src[base];
        for (int c = 1; c < classes; c++) {
            float v = src[base + c * stride];
            if (v > max) {
                max = v;
                best = c;
            }
        }
        return best;
    }
}
