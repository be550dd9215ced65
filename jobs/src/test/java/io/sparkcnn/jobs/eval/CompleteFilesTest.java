package io.sparkcnn.jobs.eval;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A prediction file's name holds complete bytes or nothing, even when the write dies half way. */
class CompleteFilesTest {
    @TempDir
    java.nio.file.Path dir;

    private static FileSystem raw() throws IOException { return FileSystem.getLocal(new Configuration()).getRaw(); }

    private List<String> names() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTheBytesUnderTheNameAndLeavesNothingElse() throws IOException {
        Path dest = new Path(dir.toUri().toString(), "a.png");
        CompleteFiles.write(raw(), dest, new byte[] {1, 2, 3});
        CompleteFiles.write(raw(), dest, new byte[] {4, 5}); // a retried task replaces it
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(dir.resolve("a.png")));
        assertEquals(List.of("a.png"), names());
    }

    @Test
    void aWriteThatDiesHalfWayLeavesNoFileUnderTheNameAndKeepsTheEarlierCompleteOne() throws IOException {
        FileSystem dying = new DyingFileSystem(raw(), 4);
        Path fresh = new Path(dir.toUri().toString(), "fresh.png");
        assertThrows(IOException.class, () -> CompleteFiles.write(dying, fresh, new byte[100]));
        assertFalse(Files.exists(dir.resolve("fresh.png")));

        Path old = new Path(dir.toUri().toString(), "old.png");
        CompleteFiles.write(raw(), old, new byte[] {9, 9});
        assertThrows(IOException.class, () -> CompleteFiles.write(dying, old, new byte[100]));
        assertArrayEquals(new byte[] {9, 9}, Files.readAllBytes(dir.resolve("old.png")));
        assertEquals(List.of("old.png"), names(), "the temporary file is cleaned up");
    }

    /** Every stream it creates fails after `limit` bytes, as a killed executor's would stop. */
    private static final class DyingFileSystem extends FilterFileSystem {
        private final int limit;

        DyingFileSystem(FileSystem fs, int limit) {
            super(fs);
            this.limit = limit;
        }

        @Override
        public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
                                         long blockSize, Progressable progress) throws IOException {
            OutputStream real = fs.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
            return new FSDataOutputStream(new OutputStream() {
                private int written;

                @Override
                public void write(int b) throws IOException {
                    if (written++ >= limit) throw new IOException("executor lost");
                    real.write(b);
                }

                @Override
                public void close() throws IOException { real.close(); }
            }, null);
        }
    }
}
