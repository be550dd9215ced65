package io.sparkcnn.model.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Which rows a run trained on: the shard table version and the identity of one split's shards
 * at that version. A checkpoint records it, so that a resumed run can read that version again
 * and check that it got the same rows (docs/checkpoint-format.md, section DATA).
 *
 * @param tableVersion    the Delta version of the shard table (the manifest's {@code tableVersion})
 * @param split           the split trained on
 * @param rows            rows of the split
 * @param shards          shard files of the split (those with rows)
 * @param shardsDigest    SHA-256 (hex) over each shard's path, rows and bytes, in path order: what
 *                        the Delta log of that version also knows
 * @param checksumsDigest SHA-256 (hex) over each shard's own SHA-256, in path order; {@link #UNKNOWN}
 *                        when a shard's checksum is not known (a version read back from the Delta log
 *                        whose files the current manifest no longer lists)
 */
public record DataVersion(long tableVersion, String split, long rows, int shards, String shardsDigest,
                          String checksumsDigest) {

    /** The checksums digest when some shard's checksum is not known. */
    public static final String UNKNOWN = "unknown";

    public DataVersion {
        if (split == null || split.isEmpty()) throw new IllegalArgumentException("a data version needs its split");
        if (rows < 0 || shards < 0) throw new IllegalArgumentException("negative rows " + rows + " or shards " + shards);
        if (shardsDigest == null || shardsDigest.isEmpty()) throw new IllegalArgumentException("a data version needs its shards digest");
        if (checksumsDigest == null || checksumsDigest.isEmpty()) checksumsDigest = UNKNOWN;
    }

    /** The identity of a split as the manifest lists it. */
    public static DataVersion of(Manifest manifest, String split) {
        return of(manifest.tableVersion(), split, manifest.shards() == null ? List.of() : manifest.shards());
    }

    /**
     * The identity of a split's shards at a table version; shards may hold every split's files. A
     * shard without a sha256 (null or empty) makes the checksums digest {@link #UNKNOWN}.
     */
    public static DataVersion of(long tableVersion, String split, List<Manifest.Shard> shards) {
        List<Manifest.Shard> mine = new ArrayList<>();
        for (Manifest.Shard s : shards) if (split.equals(s.split()) && s.rows() > 0) mine.add(s);
        mine.sort(Comparator.comparing(Manifest.Shard::path));
        MessageDigest files = sha256(), sums = sha256();
        long rows = 0;
        boolean sumsKnown = true;
        for (Manifest.Shard s : mine) {
            files.update((s.path() + '\t' + s.rows() + '\t' + s.bytes() + '\n').getBytes(StandardCharsets.UTF_8));
            if (s.sha256() == null || s.sha256().isEmpty()) sumsKnown = false;
            else sums.update((s.sha256() + '\n').getBytes(StandardCharsets.UTF_8));
            rows += s.rows();
        }
        return new DataVersion(tableVersion, split, rows, mine.size(), HexFormat.of().formatHex(files.digest()),
                sumsKnown ? HexFormat.of().formatHex(sums.digest()) : UNKNOWN);
    }

    /** Same split, rows and shard files (path, rows, bytes); the table version is not compared. */
    public boolean sameShards(DataVersion other) {
        return split.equals(other.split) && rows == other.rows && shards == other.shards
                && shardsDigest.equals(other.shardsDigest);
    }

    /** False only when both checksum digests are known and differ. */
    public boolean checksumsAgree(DataVersion other) {
        return checksumsDigest.equals(UNKNOWN) || other.checksumsDigest.equals(UNKNOWN)
                || checksumsDigest.equals(other.checksumsDigest);
    }

    /** "version 3, split 'train': 400 rows in 3 shards (shards 1a2b3c4d, checksums 5e6f7a8b)". */
    public String describe() {
        return "version " + tableVersion + ", split '" + split + "': " + rows + " rows in " + shards + " shards (shards "
                + abbrev(shardsDigest) + ", checksums " + abbrev(checksumsDigest) + ")";
    }

    private static String abbrev(String digest) {
        return digest.length() > 12 ? digest.substring(0, 12) : digest;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
