package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.ConvGeom;

/**
 * Run by DnnlConvTest in a child JVM with OMP_NUM_THREADS=2 (the test JVMs have one OpenMP thread):
 * oneDNN's multi-threaded kernels, which split the batch and the reductions, against the reference.
 */
public final class TwoThreadDnnlCheck {
    private TwoThreadDnnlCheck() {}

    public static void main(String[] args) {
        ConvGeom[] geometries = {ConvGeom.conv2d(4, 16, 12, 12, 16, 3, 1, 1, 1, 1), ConvGeom.conv2d(8, 6, 14, 14, 16, 5, 1, 0, 1, 1),
                ConvGeom.conv2d(3, 3, 23, 21, 8, 7, 2, 3, 1, 1), ConvGeom.conv2d(4, 8, 9, 10, 8, 3, 2, 1, 1, 8),
                new ConvGeom(2, 3, 5, 6, 7, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)};
        for (ConvGeom g : geometries) CpuConvOpTest.checkAgainstReference(g, 2, g.hashCode(), ctx -> new DnnlConv(ctx, g));
        System.out.println("checked " + geometries.length + " geometries with OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
    }
}
