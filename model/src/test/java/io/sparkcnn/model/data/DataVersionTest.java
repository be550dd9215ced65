package io.sparkcnn.model.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataVersionTest {
    private static Manifest.Shard shard(String path, String split, long rows, long bytes, String sha) {
        return new Manifest.Shard(path, split, rows, bytes, sha);
    }

    private static final List<Manifest.Shard> SHARDS = List.of(
            shard("b.parquet", "train", 30, 3000, "bb"), shard("a.parquet", "train", 20, 2000, "aa"),
            shard("t.parquet", "test", 10, 1000, "tt"), shard("empty.parquet", "train", 0, 10, "ee"));

    @Test
    void identifiesTheSplitsShardsInPathOrder() {
        DataVersion v = DataVersion.of(4, "train", SHARDS);
        assertEquals(4, v.tableVersion());
        assertEquals(50, v.rows());
        assertEquals(2, v.shards(), "files without rows are not shards of the split");
        // the other split and the order given change nothing
        DataVersion same = DataVersion.of(9, "train", List.of(SHARDS.get(1), SHARDS.get(0)));
        assertTrue(v.sameShards(same));
        assertEquals(v.checksumsDigest(), same.checksumsDigest());
        assertEquals(64, v.shardsDigest().length());
    }

    @Test
    void anyChangeOfPathRowsBytesOrChecksumShows() {
        DataVersion v = DataVersion.of(4, "train", SHARDS);
        assertFalse(v.sameShards(DataVersion.of(4, "train", List.of(SHARDS.get(0), shard("a2.parquet", "train", 20, 2000, "aa")))));
        assertFalse(v.sameShards(DataVersion.of(4, "train", List.of(SHARDS.get(0), shard("a.parquet", "train", 20, 2001, "aa")))));
        assertFalse(v.sameShards(DataVersion.of(4, "train", List.of(SHARDS.get(0), shard("a.parquet", "train", 21, 2000, "aa")))));
        DataVersion otherSum = DataVersion.of(4, "train", List.of(SHARDS.get(0), shard("a.parquet", "train", 20, 2000, "ab")));
        assertTrue(v.sameShards(otherSum));
        assertFalse(v.checksumsAgree(otherSum));
        assertNotEquals(v.checksumsDigest(), otherSum.checksumsDigest());
    }

    @Test
    void aMissingChecksumMakesTheChecksumsUnknownNotDifferent() {
        DataVersion v = DataVersion.of(4, "train", SHARDS);
        DataVersion unknown = DataVersion.of(4, "train", List.of(SHARDS.get(0), shard("a.parquet", "train", 20, 2000, null)));
        assertEquals(DataVersion.UNKNOWN, unknown.checksumsDigest());
        assertTrue(v.checksumsAgree(unknown));
        assertTrue(v.sameShards(unknown));
    }
}
