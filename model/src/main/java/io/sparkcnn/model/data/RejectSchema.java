package io.sparkcnn.model.data;

/** Columns of the rejects table written beside the shards: one row per rejected input. */
public final class RejectSchema {
    /** Path (relative to the dataset root) of the rejected file or record, e.g. {@code a.json#ann=12}. */
    public static final String SOURCE = "source";
    /** Pipeline stage that refused it: list, read, header, decode, label, annotation, mask, video, ... */
    public static final String STAGE = "stage";
    /** Human-readable reason. */
    public static final String REASON = "reason";
    /** Source unit (as in the shards' {@code source}) the reject belongs to. */
    public static final String UNIT = "unit";
    /** Fingerprint of the unit when it was rejected. */
    public static final String UNIT_FP = "unit_fp";
    /** Run that recorded the reject. */
    public static final String RUN_SEQ = "run_seq";

    private RejectSchema() {
    }
}
