package io.sparkcnn.model.backend;

/**
 * The host copies of a network's five arenas. On the CPU backend these arrays are the
 * working memory; on a device backend they are mirrors filled by {@link Backend#pullToHost}.
 * Allocated once per network and kept alive for its whole life (a device backend binds them).
 */
public final class Arenas {
    private final float[][] arrays = new float[Arena.values().length][];

    public Arenas(int params, int buffers, int acts, int opt) {
        arrays[Arena.PARAMS.ordinal()] = new float[params];
        arrays[Arena.GRADS.ordinal()] = new float[params];
        arrays[Arena.BUFFERS.ordinal()] = new float[buffers];
        arrays[Arena.ACTS.ordinal()] = new float[acts];
        arrays[Arena.OPT.ordinal()] = new float[opt];
    }

    public float[] get(Arena a) { return arrays[a.ordinal()]; }

    public float[] params() { return get(Arena.PARAMS); }

    public float[] grads() { return get(Arena.GRADS); }

    public float[] buffers() { return get(Arena.BUFFERS); }

    public float[] acts() { return get(Arena.ACTS); }

    public float[] opt() { return get(Arena.OPT); }

    public int size(Arena a) { return get(a).length; }
}
