package io.sparkcnn.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
    @Test
    void jsonRoundTripKeepsEveryField() throws Exception {
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, "imagenet", Task.CLASSIFICATION, "2026-01-01T00:00:00Z", 3, 4,
                Map.of("resize", "shorter-side:256"), Map.of(0, "n01440764"),
                Map.of("train", new Manifest.SplitCounts(10, Map.of(0, 10L))),
                Map.of("train", new Manifest.ChannelStats(new double[] {0.4, 0.5, 0.6}, new double[] {0.2, 0.2, 0.2}, 100)),
                List.of(new Manifest.Shard("part-0.parquet", "train", 10, 1234, "ab")),
                List.of(new Manifest.Source("train/a.JPEG", 5, 6, "train/a.JPEG")),
                new Manifest.Rejects(1, Map.of("decode", 1L), "_rejects"));
        byte[] json = m.toBytes();
        String text = new String(json, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("\"tableVersion\""), text);
        Manifest back = Manifest.read(new ByteArrayInputStream(json));
        assertEquals(m.shards(), back.shards());
        assertEquals(m.sources(), back.sources());
        assertEquals(m.splits(), back.splits());
        assertEquals(m.classes(), back.classes());
        assertEquals(m.rejects(), back.rejects());
        assertEquals(Task.CLASSIFICATION, back.task());
        assertArrayEquals(m.stats().get("train").mean(), back.stats().get("train").mean());
    }

    @Test
    void schemaListsCommonColumnsThenTargets() {
        assertEquals(ShardSchema.KEY, ShardSchema.columns(Task.DETECTION).get(0).name());
        assertEquals(List.of(ShardSchema.LABEL, ShardSchema.LABEL_NAME),
                ShardSchema.targets(Task.CLASSIFICATION).stream().map(ShardColumn::name).toList());
        for (Task t : Task.values()) {
            assertTrue(ShardSchema.columns(t).stream().allMatch(c -> !c.description().isBlank()));
            assertEquals(ShardSchema.common().size() + ShardSchema.targets(t).size(), ShardSchema.columns(t).size());
        }
    }
}
