package io.sparkcnn.model.graph;

import io.sparkcnn.model.tensor.Shape;

/** ACTS offsets a loss works on. */
public record LossPlan(int batch, Shape outputShape, int output, int outputGrad, int targets, int lossOut,
                       CacheAllocator cache) {
    /** Reserves ACTS floats (class weights, scratch) for the loss. */
    public interface CacheAllocator {
        int cache(int n);
    }
}
