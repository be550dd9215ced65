package io.sparkcnn.model.tensor;

import java.util.Arrays;

/**
 * The shape of one example, without the batch dimension: (F) for vectors, (C,L) for 1-D
 * signals, (C,H,W) for images, (C,D,H,W) for video. Immutable.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        if (dims.length == 0) throw new IllegalArgumentException("a shape needs at least one dimension");
        for (int d : dims) {
            if (d <= 0) throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has a dimension <= 0");
        }
        return new Shape(dims.clone());
    }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i]; }

    public int[] dims() { return dims.clone(); }

    /** Channels: the first dimension. */
    public int channels() { return dims[0]; }

    /** Product of all dimensions after the first (1 for a vector). */
    public int spatialSize() {
        long s = 1;
        for (int i = 1; i < dims.length; i++) s *= dims[i];
        return Math.toIntExact(s);
    }

    /** Elements in one example. */
    public int size() {
        long s = 1;
        for (int d : dims) s *= d;
        return Math.toIntExact(s);
    }

    /** The same spatial dimensions with another channel count. */
    public Shape withChannels(int c) {
        int[] d = dims.clone();
        d[0] = c;
        return Shape.of(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(dims); }

    /** Written as (C,H,W), the form used in error messages and summaries. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) b.append(',');
            b.append(dims[i]);
        }
        return b.append(')').toString();
    }
}
