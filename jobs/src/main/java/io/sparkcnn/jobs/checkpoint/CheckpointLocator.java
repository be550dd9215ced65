package io.sparkcnn.jobs.checkpoint;

import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.checkpoint.CheckpointException;
import io.sparkcnn.model.checkpoint.CheckpointReader;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A checkpoint named the three ways a user has one at hand, on any Hadoop file system: its
 * {@code model.sckp} file, its directory ({@code .../checkpoints/step-N}), or a run directory,
 * which means its newest complete checkpoint (damaged newer ones are skipped, as resume does).
 */
public final class CheckpointLocator {
    private CheckpointLocator() {}

    public static CheckpointStore.Loaded load(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = p.getFileSystem(conf);
        Path q = fs.makeQualified(p);
        if (!fs.exists(q)) throw new FileNotFoundException("no checkpoint at " + q + ": nothing is there");
        if (fs.getFileStatus(q).isFile()) return read(fs, q.getParent(), q);
        Path model = new Path(q, CheckpointStore.MODEL_FILE);
        if (fs.exists(model)) return read(fs, q, model);
        if (fs.exists(new Path(q, "checkpoints"))) {
            CheckpointStore.Search s = new CheckpointStore(q.toString(), conf).search();
            if (s.newest().isPresent()) return s.newest().get();
            throw new CheckpointException("run directory " + q + " has no complete checkpoint"
                    + (s.damaged().isEmpty() ? "" : "; damaged: " + s.damaged()));
        }
        throw new FileNotFoundException("no checkpoint at " + q + ": a checkpoint is a " + CheckpointStore.MODEL_FILE
                + " file, a directory holding one (checkpoints/step-N), or a run directory with checkpoints/");
    }

    /** The checkpoint file and, when beside it, its job.conf (empty when absent). */
    private static CheckpointStore.Loaded read(FileSystem fs, Path dir, Path file) throws IOException {
        Checkpoint c;
        try (InputStream in = fs.open(file)) {
            c = CheckpointReader.read(in, file.toString());
        }
        Path conf = new Path(dir, CheckpointStore.CONFIG_FILE);
        String jobConf = "";
        if (fs.exists(conf)) {
            try (InputStream in = fs.open(conf)) {
                jobConf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new CheckpointStore.Loaded(dir, c, jobConf);
    }
}
