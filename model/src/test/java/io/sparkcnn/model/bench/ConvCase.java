package io.sparkcnn.model.bench;

import io.sparkcnn.model.backend.ConvGeom;

import java.util.List;

/** One benchmarked Conv2d shape; the PyTorch script (bench/torch_bench.py) uses the same names and shapes. */
record ConvCase(String name, ConvGeom geom) {

    /** The shapes of the performance targets (docs/benchmarks.md). */
    static final List<ConvCase> ALL = List.of(
            new ConvCase("3x3 64->64 56x56 N=8", ConvGeom.conv2d(8, 64, 56, 56, 64, 3, 1, 1, 1, 1)),
            new ConvCase("3x3 128->128 28x28 N=8", ConvGeom.conv2d(8, 128, 28, 28, 128, 3, 1, 1, 1, 1)),
            new ConvCase("3x3 256->256 14x14 N=8", ConvGeom.conv2d(8, 256, 14, 14, 256, 3, 1, 1, 1, 1)),
            new ConvCase("7x7/2 3->64 224x224 N=8", ConvGeom.conv2d(8, 3, 224, 224, 64, 7, 2, 3, 1, 1)),
            new ConvCase("5x5 1->32 28x28 N=64", ConvGeom.conv2d(64, 1, 28, 28, 32, 5, 1, 0, 1, 1)));

    /** Floating-point operations of one pass (forward, backward-data and backward-weights each do 2 * MACs). */
    double flops() { return 2.0 * geom.macs(); }
}
