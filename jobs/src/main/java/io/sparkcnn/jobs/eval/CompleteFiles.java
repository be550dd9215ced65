package io.sparkcnn.jobs.eval;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.UUID;

/**
 * Writes a file so that its name only ever holds complete bytes: the bytes go to a hidden
 * temporary name beside it ({@code _<name>.<uuid>.tmp}, which no {@code *.png} reader matches)
 * and are renamed into place once closed, as checkpoints are. A task killed mid-write leaves
 * at most a temporary file; a retried or repeated one replaces the finished file.
 */
public final class CompleteFiles {
    private CompleteFiles() {}

    public static void write(FileSystem fs, Path dest, byte[] bytes) throws IOException {
        Path tmp = new Path(dest.getParent(), "_" + dest.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(bytes);
            }
            if (fs.exists(dest)) fs.delete(dest, false);
            if (!fs.rename(tmp, dest)) throw new IOException("rename " + tmp + " -> " + dest + " failed");
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the write's failure is the one to report
            }
            throw e;
        }
    }
}
