package io.sparkcnn.jobs.checkpoint;

import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.checkpoint.CheckpointReader;
import io.sparkcnn.model.checkpoint.CheckpointWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints of a run on any Hadoop FileSystem: {@code <run.dir>/checkpoints/step-<step>/}
 * holding {@code model.sckp} (the engine's checkpoint format: spec, parameters, buffers,
 * optimizer state, counters, config, code version; CRC-checked) and {@code job.conf} (the job
 * settings, readable). A checkpoint is written under {@code _tmp-step-<step>} and renamed when
 * complete, so a crash never leaves a directory that looks finished; the last K are kept.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    public static final String MODEL_FILE = "model.sckp";
    public static final String CONFIG_FILE = "job.conf";
    private static final Pattern DIR = Pattern.compile("step-(\\d+)");

    private final FileSystem fs;
    private final Path root;

    public CheckpointStore(String runDir, Configuration conf) {
        try {
            Path run = new Path(runDir);
            this.fs = run.getFileSystem(conf);
            this.root = new Path(fs.makeQualified(run), "checkpoints");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + runDir, e);
        }
    }

    public Path root() { return root; }

    public FileSystem fileSystem() { return fs; }

    /** Writes a checkpoint for its "step" counter, then deletes all but the newest keep. Returns its directory. */
    public Path save(Checkpoint c, String jobConfig, int keep) {
        long step = c.counter("step", -1);
        if (step < 0) throw new IllegalArgumentException("a checkpoint needs a step counter");
        String name = String.format("step-%012d", step);
        Path tmp = new Path(root, "_tmp-" + name);
        Path done = new Path(root, name);
        try {
            fs.mkdirs(root);
            if (fs.exists(tmp)) fs.delete(tmp, true);
            fs.mkdirs(tmp);
            try (FSDataOutputStream out = fs.create(new Path(tmp, MODEL_FILE), true)) {
                CheckpointWriter.write(c, out);
                out.hsync();
            }
            try (OutputStream out = fs.create(new Path(tmp, CONFIG_FILE), true)) {
                out.write(jobConfig.getBytes(StandardCharsets.UTF_8));
            }
            if (fs.exists(done)) fs.delete(done, true);
            if (!fs.rename(tmp, done)) throw new IOException("rename " + tmp + " -> " + done + " failed");
            prune(keep);
            return done;
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint " + done, e);
        }
    }

    /** Complete checkpoint directories, newest (highest step) first. */
    public List<Path> list() {
        try {
            if (!fs.exists(root)) return List.of();
            List<FileStatus> dirs = new ArrayList<>();
            for (FileStatus st : fs.listStatus(root)) {
                if (st.isDirectory() && DIR.matcher(st.getPath().getName()).matches()) dirs.add(st);
            }
            dirs.sort(Comparator.comparingLong((FileStatus st) -> stepOf(st.getPath())).reversed());
            List<Path> out = new ArrayList<>();
            for (FileStatus st : dirs) out.add(st.getPath());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + root, e);
        }
    }

    /** A loaded checkpoint and where it came from. */
    public record Loaded(Path dir, Checkpoint checkpoint, String jobConfig) {}

    /** A checkpoint directory that does not read back whole, and why. */
    public record Damaged(Path dir, String reason) {}

    /** The newest checkpoint that reads back whole (if any), and the newer ones that did not. */
    public record Search(Optional<Loaded> newest, List<Damaged> damaged) {}

    /**
     * The newest checkpoint that reads back whole; each damaged one before it (truncated, CRC
     * mismatch, missing file) is skipped with a warning naming it and why.
     */
    public Search search() {
        List<Damaged> damaged = new ArrayList<>();
        for (Path dir : list()) {
            try {
                return new Search(Optional.of(load(dir)), List.copyOf(damaged));
            } catch (IOException | RuntimeException e) {
                LOG.warn("skipping damaged checkpoint {}: {}", dir, e.getMessage());
                damaged.add(new Damaged(dir, String.valueOf(e.getMessage())));
            }
        }
        return new Search(Optional.empty(), List.copyOf(damaged));
    }

    /** The newest checkpoint that reads back whole; damaged ones are skipped with a warning. */
    public Optional<Loaded> newest() {
        return search().newest();
    }

    /** Reads one checkpoint directory (URI or path). */
    public Loaded load(Path dir) throws IOException {
        Checkpoint c;
        try (InputStream in = fs.open(new Path(dir, MODEL_FILE))) {
            c = CheckpointReader.read(in, new Path(dir, MODEL_FILE).toString());
        }
        String conf;
        try (InputStream in = fs.open(new Path(dir, CONFIG_FILE))) {
            conf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Loaded(dir, c, conf);
    }

    /** Writes a small text file into a checkpoint directory (evaluation results beside it). */
    public void writeText(Path file, String text) {
        try (OutputStream out = fs.create(file, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    private void prune(int keep) throws IOException {
        List<Path> all = list();
        for (int i = keep; i < all.size(); i++) {
            fs.delete(all.get(i), true);
        }
    }

    static long stepOf(Path dir) {
        Matcher m = DIR.matcher(dir.getName());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
