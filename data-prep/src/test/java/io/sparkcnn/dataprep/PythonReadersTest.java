package io.sparkcnn.dataprep;

import io.sparkcnn.model.testing.TestPython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.dataprep.readers.ImageFolderReader;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.ShardSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Python user runs (docs/data-prep.md, deploy/prep/read_shards.py) reads exactly the committed
 * table, on an output that has had a changed source file (files of the older version stay) and a
 * killed run (zero-byte and truncated part files), with pandas + pyarrow from the pip mirror.
 */
class PythonReadersTest extends SparkTestBase {
    private static final String PANDAS = "pandas, pyarrow";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The lines docs/data-prep.md shows, then read_shards.py, the root as pandas reads it, and deltalake if installed. */
    private static final String PROBE = String.join("\n",
            "import json, sys",
            "sys.path.insert(0, sys.argv[1])",
            "out = sys.argv[2]",
            "res = {}",
            "import pandas as pd",
            "m = json.load(open(f\"{out}/_manifest.json\"))",
            "df = pd.read_parquet([f\"{out}/{s['path']}\" for s in m[\"shards\"]])",
            "res['docKeys'] = sorted(df['key'])",
            "import read_shards",
            "res['scriptKeys'] = sorted(read_shards.read_shards(out, verify=True).column('key').to_pylist())",
            "try:",
            "    res['rootKeys'] = sorted(pd.read_parquet(out)['key'])",
            "except Exception as e:",
            "    res['rootError'] = type(e).__name__",
            "try:",
            "    import deltalake",
            "except ImportError:",
            "    deltalake = None",
            "if deltalake is not None:",
            "    res['deltaKeys'] = sorted(deltalake.DeltaTable(out).to_pyarrow_table(columns=['key']).column('key').to_pylist())",
            "print(json.dumps(res))");

    private static PrepResult run(Path in, Path out, long retainHours) throws IOException {
        PrepOptions o = PrepOptions.defaults("image-folder", in.toUri().toString(), out.toUri().toString());
        return new PrepJob(spark, new ImageFolderReader(), o).retainHours(retainHours).run();
    }

    private static Set<String> tableKeys(Path out) {
        return new ShardTable(spark, out.toUri().toString()).readShards().select(ShardSchema.KEY).collectAsList().stream()
                .map(r -> r.getString(0)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> partFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")).sorted().toList();
        }
    }

    private static void touchLater(Path f, byte[] bytes) throws IOException {
        Files.write(f, bytes);
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
    }

    private static JsonNode probe(Path python, Path out) throws Exception {
        TestPython.Result r = TestPython.run(python, PROBE, TestPython.deployDir().resolve("prep").toString(), out.toString());
        assertEquals(0, r.exitCode(), "python failed:\n" + r.output());
        String[] lines = r.output().strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.forEach(k -> s.add(k.asText()));
        assertEquals(n.size(), s.size(), "no key twice: " + n);
        return s;
    }

    @Test
    void pandasAndPyarrowReadExactlyTheCommittedSnapshotAfterAChangedFileAndAKilledRun() throws Exception {
        Path python = TestPython.importing(PANDAS, "the Python reader test");
        assumeTrue(python != null, TestPython.skipReason(PANDAS));

        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        for (int i = 0; i < 4; i++) {
            Fixtures.put(in, (i % 2 == 0 ? "cat/" : "dog/") + i + ".jpg", Fixtures.jpeg(16, 16, i));
        }
        run(in, out, PrepJob.DEFAULT_RETAIN_HOURS);
        touchLater(in.resolve("cat/0.jpg"), Fixtures.jpeg(20, 20, 99));
        run(in, out, PrepJob.DEFAULT_RETAIN_HOURS);

        // the manifest lists exactly the snapshot's files, with their sizes on disk
        Manifest m = Manifest.read(Files.newInputStream(out.resolve(Manifest.FILE_NAME)));
        Set<String> snapshot = new TreeSet<>();
        new ShardTable(spark, out.toUri().toString()).files().forEach(f -> snapshot.add(f.path()));
        Set<String> listed = new TreeSet<>();
        for (Manifest.Shard s : m.shards()) {
            listed.add(s.path());
            assertEquals(Files.size(out.resolve(s.path())), s.bytes(), s.path());
            assertEquals(64, s.sha256().length(), s.path());
        }
        assertEquals(snapshot, listed);
        assertTrue(partFiles(out).size() > listed.size(), "the replaced version's files are still there (retention)");

        // a run killed while writing: a zero-byte and a truncated part file no version references
        String live = listed.iterator().next();
        byte[] liveBytes = Files.readAllBytes(out.resolve(live));
        Path zero = out.resolve("part-00000-0badc0de-0000-0000-0000-000000000000-c000.snappy.parquet");
        Path cut = out.resolve("part-00001-0badc0de-0000-0000-0000-000000000000-c000.snappy.parquet");
        Files.write(zero, new byte[0]);
        Files.write(cut, Arrays.copyOf(liveBytes, liveBytes.length / 2));
        Path rejectsJunk = out.resolve(ShardTable.REJECTS_DIR).resolve("part-00000-0badc0de-0000-0000-0000-000000000001-c000.snappy.parquet");
        Files.write(rejectsJunk, new byte[0]);

        Set<String> expected = tableKeys(out);
        JsonNode before = probe(python, out);
        assertEquals(expected, keys(before.get("docKeys")), "the documented pandas lines read the committed rows");
        assertEquals(expected, keys(before.get("scriptKeys")), "read_shards.py reads the committed rows");
        assertTrue(before.has("rootError"), "a plain read of the root fails on the aborted files: " + before);
        if (before.has("deltaKeys")) {
            assertEquals(expected, keys(before.get("deltaKeys")));
        }

        // the next run removes the aborted write's files (they belong to no version) and keeps the old version's
        Fixtures.put(in, "dog/9.jpg", Fixtures.jpeg(16, 16, 9));
        run(in, out, PrepJob.DEFAULT_RETAIN_HOURS);
        assertFalse(Files.exists(zero));
        assertFalse(Files.exists(cut));
        assertFalse(Files.exists(rejectsJunk));
        expected = tableKeys(out);
        assertEquals(5, expected.size());
        JsonNode after = probe(python, out);
        assertEquals(expected, keys(after.get("docKeys")));
        assertEquals(expected, keys(after.get("scriptKeys")));
        List<String> rootKeys = new ArrayList<>();
        after.get("rootKeys").forEach(k -> rootKeys.add(k.asText()));
        assertTrue(rootKeys.size() > expected.size(), "without VACUUM the root still holds the old version: " + rootKeys);

        // VACUUM with no retention leaves only the snapshot's files: then even the root reads right
        touchLater(in.resolve("dog/1.jpg"), Fixtures.jpeg(18, 18, 98));
        run(in, out, 0);
        Manifest last = Manifest.read(Files.newInputStream(out.resolve(Manifest.FILE_NAME)));
        assertEquals(last.shards().stream().map(Manifest.Shard::path).sorted().toList(), partFiles(out));
        JsonNode vacuumed = probe(python, out);
        assertEquals(tableKeys(out), keys(vacuumed.get("rootKeys")));
        assertEquals(tableKeys(out), keys(vacuumed.get("scriptKeys")));
    }

    @Test
    void readShardsRefusesAFileThatDiffersFromTheManifest() throws Exception {
        Path python = TestPython.importing(PANDAS, "the Python reader test");
        assumeTrue(python != null, TestPython.skipReason(PANDAS));
        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        Fixtures.put(in, "cat/0.jpg", Fixtures.jpeg(16, 16, 0));
        run(in, out, PrepJob.DEFAULT_RETAIN_HOURS);
        Manifest m = Manifest.read(Files.newInputStream(out.resolve(Manifest.FILE_NAME)));
        Path shard = out.resolve(m.shards().get(0).path());
        String script = TestPython.deployDir().resolve("prep").resolve("read_shards.py").toString();
        TestPython.Result good = TestPython.run(python, null, script, out.toString(), "--verify");
        assertEquals(0, good.exitCode(), good.output());
        assertTrue(good.output().contains("\"rows\": 1"), good.output());

        byte[] b = Files.readAllBytes(shard);
        b[b.length / 2] ^= 1; // same size, other bytes: only the checksum sees it
        Files.write(shard, b);
        TestPython.Result flipped = TestPython.run(python, null, script, out.toString(), "--verify");
        assertEquals(2, flipped.exitCode(), flipped.output());
        assertTrue(flipped.output().contains("sha256") && flipped.output().contains(m.shards().get(0).path()), flipped.output());

        Files.write(shard, Arrays.copyOf(b, b.length + 1));
        TestPython.Result longer = TestPython.run(python, null, script, out.toString());
        assertEquals(2, longer.exitCode(), longer.output());
        assertTrue(longer.output().contains((b.length + 1) + " bytes"), longer.output());
    }
}
