package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.checkpoint.OuterMomentumSlot;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.ShardTableVersions;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.train.TrainingState;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.checkpoint.CheckpointException;
import io.sparkcnn.model.data.DataVersion;
import io.sparkcnn.model.data.Manifest;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a {@code --resume} continues: the newest checkpoint that reads back whole, checked
 * against this job, and the rows it continues on. With {@code train.resume.data = pinned} those
 * are the rows of the shard table version the checkpoint trained on (read back by Delta time
 * travel when data-prep has committed since); with {@code latest} the table's current rows,
 * from the start of a new epoch when they differ.
 *
 * @param plan  the plan to train with: the job's, or one normalising with the checkpoint's statistics
 * @param train the rows trained on
 * @param data  the identity of those rows, recorded in every later checkpoint
 */
record ResumePoint(Path checkpoint, TrainingState state, JobPlan plan, SplitIndex train, DataVersion data) {
    private static final Logger LOG = LoggerFactory.getLogger(ResumePoint.class);
    static final String SETTING = "train.resume.data";

    /**
     * The point to resume from; empty when run.dir holds no checkpoint at all. Refuses, before
     * anything is written, when every checkpoint is damaged, when the checkpoint was made by
     * another network, worker count, batch size or seed, and when its data cannot be read again.
     */
    static Optional<ResumePoint> find(SparkSession spark, CheckpointStore store, JobPlan plan) {
        CheckpointStore.Search found = store.search();
        if (found.newest().isEmpty()) {
            if (found.damaged().isEmpty()) {
                LOG.warn("--resume: no complete checkpoint under {}; starting from the beginning", store.root());
                return Optional.empty();
            }
            throw new ConfigException("run.dir", "--resume found " + found.damaged().size() + " checkpoint(s) under "
                    + store.root() + " and none reads back whole, so nothing was started or overwritten: "
                    + found.damaged().stream().map(d -> d.dir().getName() + ": " + d.reason())
                    .collect(Collectors.joining("; "))
                    + ". Restore a checkpoint, or train into another run.dir to start over");
        }
        CheckpointStore.Loaded l = found.newest().get();
        Checkpoint c = l.checkpoint();
        JobConfig cfg = plan.config();
        requireSameRun(l, c, plan);
        TrainingState state = state(l, c, cfg);
        LOG.info("resuming from {} (round {}, step {}, epoch {}, code {})", l.dir(), state.round(), state.step(),
                state.epoch(), c.codeVersion());
        String split = cfg.string("data.trainSplit");
        DataVersion now = DataVersion.of(plan.manifest(), split);
        return Optional.of(cfg.string(SETTING).equals("latest")
                ? latest(l.dir(), state, plan, c.data(), now)
                : pinned(spark, l.dir(), state, plan, c, now));
    }

    /**
     * The checkpoint's state, with the outer momentum of train.outerOptimizer ({@link OuterMomentumSlot}).
     * A run continues exactly only with the outer optimizer it had, so a change is refused.
     */
    private static TrainingState state(CheckpointStore.Loaded l, Checkpoint c, JobConfig cfg) {
        boolean had = OuterMomentumSlot.holds(c);
        boolean wants = !cfg.string("train.outerOptimizer").equals("none");
        if (had != wants) {
            throw new ConfigException("train.outerOptimizer", "the checkpoint " + l.dir() + " was trained "
                    + (had ? "with train.outerOptimizer=nesterov" : "without an outer optimizer") + ", this run sets "
                    + "train.outerOptimizer=" + cfg.string("train.outerOptimizer")
                    + "; a run continues exactly only with the outer optimizer it had");
        }
        return new TrainingState(c.params(), c.buffers(), OuterMomentumSlot.innerState(c), c.counter("step", 0),
                c.counter("epoch", 0), c.counter("stepInEpoch", 0), c.counter("round", 0), OuterMomentumSlot.momentum(c));
    }

    private static void requireSameRun(CheckpointStore.Loaded l, Checkpoint c, JobPlan plan) {
        JobConfig cfg = plan.config();
        try {
            c.requireSameNetwork(plan.network(), l.dir().toString());
        } catch (CheckpointException e) {
            throw new ConfigException("model.zoo", e.getMessage());
        }
        long w = c.counter("workers", -1);
        if (w != cfg.integer("train.workers")) {
            throw new ConfigException("train.workers", "the checkpoint " + l.dir() + " was trained with " + w
                    + " workers; the data cursors and the averaging continue exactly only with the same count");
        }
        long b = c.counter("batchSizePerWorker", -1);
        if (b != cfg.integer("train.batchSizePerWorker")) {
            throw new ConfigException("train.batchSizePerWorker", "the checkpoint " + l.dir() + " was trained with batch " + b);
        }
        if (c.seed() != cfg.longValue("run.seed")) {
            throw new ConfigException("run.seed", "the checkpoint " + l.dir() + " was trained with seed " + c.seed());
        }
    }

    /** The current rows; a new epoch when they are not the rows the checkpoint trained on (its data cursor means nothing there). */
    private static ResumePoint latest(Path dir, TrainingState state, JobPlan plan, DataVersion then, DataVersion now) {
        SplitIndex train = plan.split(now.split(), "data.trainSplit");
        if (then != null && then.split().equals(now.split()) && then.sameShards(now) && then.checksumsAgree(now)) {
            LOG.info("{}=latest: the data is unchanged ({}); continuing exactly", SETTING, now.describe());
            return new ResumePoint(dir, state, plan, train, now);
        }
        TrainingState moved = state.stepInEpoch() == 0 ? state : new TrainingState(state.params(), state.buffers(),
                state.optimizerState(), state.step(), state.epoch() + 1, 0, state.round(), state.outerMomentum());
        LOG.warn("{}=latest: moving the run from {} to {}; the data cursor does not carry over to other rows, so "
                        + "training continues at the start of epoch {} (step {}, round {})", SETTING,
                then == null ? "data it did not record (a checkpoint of format 1)" : then.describe(), now.describe(),
                moved.epoch() + 1, moved.step(), moved.round());
        return new ResumePoint(dir, moved, plan, train, now);
    }

    /** The rows of the version the checkpoint trained on, checked to be the same rows. */
    private static ResumePoint pinned(SparkSession spark, Path dir, TrainingState state, JobPlan plan, Checkpoint c,
                                      DataVersion now) {
        DataVersion then = c.data();
        String root = plan.dataRoot();
        if (then == null) {
            throw new ConfigException(SETTING, "the checkpoint " + dir + " (code " + c.codeVersion() + ") does not record "
                    + "which version of the data it trained on, so a pinned resume cannot continue on the same rows; set "
                    + SETTING + "=latest to continue on the current data (version " + now.tableVersion()
                    + "), starting a new epoch");
        }
        if (!then.split().equals(now.split())) {
            throw new ConfigException("data.trainSplit", "the checkpoint " + dir + " trained on split '" + then.split()
                    + "', not '" + now.split() + "'");
        }
        JobPlan pinnedPlan = withRecordedNormalisation(spark, plan, c);
        if (then.sameShards(now) && then.checksumsAgree(now)) {
            if (then.tableVersion() != now.tableVersion()) {
                LOG.info("--resume: the shard table moved from version {} to {}, but split '{}' holds the same rows",
                        then.tableVersion(), now.tableVersion(), now.split());
            }
            return new ResumePoint(dir, state, pinnedPlan, pinnedPlan.split(now.split(), "data.trainSplit"), now);
        }
        if (!ShardTableVersions.isDeltaTable(spark, root)) {
            throw new ConfigException(SETTING, "the checkpoint " + dir + " trained on " + then.describe() + "; the data at "
                    + root + " is now " + now.describe() + " and is not a Delta table, so version " + then.tableVersion()
                    + " cannot be read back. Set " + SETTING + "=latest to continue on version " + now.tableVersion()
                    + ", starting a new epoch");
        }
        long current = ShardTableVersions.currentVersion(spark, root);
        List<Manifest.Shard> shards;
        try {
            shards = ShardTableVersions.shardsAt(spark, root, then.tableVersion(), spark.sparkContext().hadoopConfiguration());
        } catch (ShardTableVersions.VersionGoneException e) {
            throw new ConfigException(SETTING, "the checkpoint " + dir + " trained on version " + then.tableVersion()
                    + " of the shard table at " + root + ", and that version is gone: " + e.getMessage()
                    + "; the table is now at version " + current + ". Set " + SETTING + "=latest to continue on version "
                    + current + ", starting a new epoch");
        }
        shards = withKnownChecksums(shards, plan.manifest());
        DataVersion read = DataVersion.of(then.tableVersion(), then.split(), shards);
        if (!read.sameShards(then) || !read.checksumsAgree(then)) {
            throw new ConfigException(SETTING, "the checkpoint " + dir + " trained on " + then.describe() + ", but version "
                    + then.tableVersion() + " of " + root + " reads back as " + read.describe()
                    + ": the table was rewritten under the same version numbers");
        }
        LOG.info("--resume: the shard table at {} is at version {}; continuing on version {} that the checkpoint trained "
                + "on, read back by Delta time travel ({})", root, current, then.tableVersion(), read.describe());
        return new ResumePoint(dir, state, pinnedPlan, SplitIndex.of(shards, root, then.split()), then);
    }

    /** Shard files never change under one path, so the current manifest's checksums hold for the old version's files it still lists. */
    private static List<Manifest.Shard> withKnownChecksums(List<Manifest.Shard> shards, Manifest current) {
        Map<String, Manifest.Shard> known = new HashMap<>();
        if (current.shards() != null) for (Manifest.Shard s : current.shards()) known.put(s.path(), s);
        List<Manifest.Shard> out = new ArrayList<>();
        for (Manifest.Shard s : shards) {
            Manifest.Shard k = known.get(s.path());
            out.add(k != null && k.bytes() == s.bytes() ? new Manifest.Shard(s.path(), s.split(), s.rows(), s.bytes(), k.sha256()) : s);
        }
        return out;
    }

    /** The plan, normalising with the statistics the checkpoint's run used when they differ from the current manifest's. */
    private static JobPlan withRecordedNormalisation(SparkSession spark, JobPlan plan, Checkpoint c) {
        List<String> recorded = Normalisation.recorded(c.trainerConfig());
        if (recorded.isEmpty()) return plan;
        JobConfig pinned = plan.config().with(recorded.toArray(String[]::new));
        JobConfig current = Normalisation.explicit(plan.config(), plan.manifest());
        if (java.util.Arrays.equals(pinned.doubles("data.mean"), current.doubles("data.mean"))
                && java.util.Arrays.equals(pinned.doubles("data.std"), current.doubles("data.std"))) {
            return plan;
        }
        LOG.info("--resume: normalising with the statistics the checkpoint's run used ({}), not the current manifest's",
                String.join(", ", recorded));
        return JobPlan.prepare(pinned, spark.sparkContext().hadoopConfiguration());
    }
}
