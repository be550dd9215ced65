package io.sparkcnn.jobs.train;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On a file system that cannot flush an open file (an object store: the object appears whole at
 * close, nothing before), the metrics log closes a file every {@link MetricsLog#SEGMENT_ROUNDS}
 * rounds: a driver that dies without closing loses only the open file's rounds.
 */
class MetricsLogObjectStoreTest {
    @TempDir
    java.nio.file.Path tmp;

    /** The local disk, seen as an object store: bytes of a file land only when it is closed. */
    public static final class ObjectStoreLikeFs extends RawLocalFileSystem {
        @Override public URI getUri() { return URI.create("objstore:///"); }

        @Override public String getScheme() { return "objstore"; }

        @Override
        public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                         short replication, long blockSize, Progressable progress) throws IOException {
            return create(f, overwrite, bufferSize, replication, blockSize, progress);
        }

        @Override
        public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                         Progressable progress) throws IOException {
            File target = pathToFile(f);
            ByteArrayOutputStream pending = new ByteArrayOutputStream() {
                @Override
                public void close() throws IOException {
                    Files.write(target.toPath(), toByteArray());
                }
            };
            return new FSDataOutputStream(pending, null); // no hflush capability, as S3A's stream
        }
    }

    private static List<Long> roundsOnDisk(java.nio.file.Path metrics) throws IOException {
        List<Long> rounds = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(metrics)) {
            for (java.nio.file.Path f : files.filter(p -> p.getFileName().toString().startsWith("rounds-")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    rounds.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("round").asLong());
                }
            }
        }
        return rounds;
    }

    @Test
    void aDriverThatNeverClosesTheLogLosesOnlyTheOpenSegment() throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.objstore.impl", ObjectStoreLikeFs.class.getName());
        conf.setBoolean("fs.objstore.impl.disable.cache", true);
        String runDir = "objstore://" + tmp.resolve("run").toAbsolutePath();
        MetricsLog log = new MetricsLog(runDir, 1, conf);
        int logged = 2 * MetricsLog.SEGMENT_ROUNDS + 5;
        for (long r = 1; r <= logged; r++) log.write(MetricsLogKillTest.round(r));

        java.nio.file.Path metrics = tmp.resolve("run/metrics");
        List<Long> expected = new ArrayList<>();
        for (long r = 1; r <= 2 * MetricsLog.SEGMENT_ROUNDS; r++) expected.add(r);
        assertEquals(expected, roundsOnDisk(metrics), "the closed segments, whole; the open one is not there yet");
        assertEquals(String.format("rounds-%012d.jsonl", 2 * MetricsLog.SEGMENT_ROUNDS + 1), log.file().getName());

        log.close();
        for (long r = 2 * MetricsLog.SEGMENT_ROUNDS + 1; r <= logged; r++) expected.add(r);
        assertEquals(expected, roundsOnDisk(metrics), "after close, every round once, in order");
    }
}
