package io.sparkcnn.model.graph;

import io.sparkcnn.model.layers.Init;

import java.util.ArrayList;
import java.util.List;

/** Hands out offsets in the arenas while a network is planned; sizes are final after planning. */
final class ArenaLayout {
    /** A parameter region and how it starts. */
    record ParamRegion(String layer, int offset, int length, Init init) {}

    /** A buffer region and its starting value. */
    record BufferRegion(String layer, int offset, int length, float value) {}

    private long params;
    private long buffers;
    private long acts;
    final List<ParamRegion> paramRegions = new ArrayList<>();
    final List<BufferRegion> bufferRegions = new ArrayList<>();

    int params(String layer, int n, Init init) {
        int off = checked(params, n, "parameters");
        params += n;
        paramRegions.add(new ParamRegion(layer, off, n, init));
        return off;
    }

    int buffers(String layer, int n, float value) {
        int off = checked(buffers, n, "buffers");
        buffers += n;
        bufferRegions.add(new BufferRegion(layer, off, n, value));
        return off;
    }

    int acts(long n) {
        int off = checked(acts, n, "activations");
        acts += n;
        return off;
    }

    int paramSize() { return (int) params; }

    int bufferSize() { return (int) buffers; }

    int actSize() { return (int) acts; }

    /** Java arrays hold at most 2^31-1 floats: a batch that does not fit is refused by name. */
    private static int checked(long start, long n, String what) {
        if (n < 0 || start + n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the network's " + what + " need " + (start + n)
                    + " floats, more than one array holds; use a smaller batch");
        }
        return (int) start;
    }
}
