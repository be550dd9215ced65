package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.model.checkpoint.CheckpointException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.List;

/**
 * The checkpoint {@code train.initFrom} names, on any Hadoop FileSystem: a checkpoint directory
 * (holding model.sckp), the model.sckp file itself, or a run directory (its newest complete
 * checkpoint). Everything that is not one of these is refused, naming the setting and the path.
 */
final class InitFrom {
    static final String SETTING = "train.initFrom";

    private InitFrom() {}

    static CheckpointStore.Loaded load(String uri, Configuration hadoop) {
        Path p = new Path(uri);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) throw new ConfigException(SETTING, "nothing at " + uri);
            Path dir;
            if (fs.getFileStatus(p).isFile()) {
                if (!p.getName().equals(CheckpointStore.MODEL_FILE)) {
                    throw new ConfigException(SETTING, uri + " is a file, not a checkpoint (" + CheckpointStore.MODEL_FILE
                            + ", a checkpoint directory step-N, or a run directory)");
                }
                dir = p.getParent();
            } else if (fs.exists(new Path(p, CheckpointStore.MODEL_FILE))) {
                dir = p;
            } else {
                CheckpointStore run = new CheckpointStore(uri, hadoop);
                List<Path> all = run.list();
                if (all.isEmpty()) {
                    throw new ConfigException(SETTING, uri + " is neither a checkpoint directory (no " + CheckpointStore.MODEL_FILE
                            + ") nor a run directory with complete checkpoints (nothing under " + run.root() + ")");
                }
                CheckpointStore.Search found = run.search();
                if (found.newest().isEmpty()) {
                    throw new ConfigException(SETTING, "no checkpoint of the run " + uri + " reads back whole: " + found.damaged());
                }
                return found.newest().get();
            }
            return new CheckpointStore(dir.getParent() == null ? dir.toString() : dir.getParent().toString(), hadoop).load(dir);
        } catch (CheckpointException e) {
            throw new ConfigException(SETTING, e.getMessage());
        } catch (IOException e) {
            throw new ConfigException(SETTING, "cannot read " + uri + ": " + e.getMessage());
        }
    }
}
