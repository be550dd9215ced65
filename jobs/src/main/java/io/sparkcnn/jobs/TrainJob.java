package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.checkpoint.OuterMomentumSlot;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.BoxSurvey;
import io.sparkcnn.jobs.data.DetectionRows;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.eval.DetectionEvaluation;
import io.sparkcnn.jobs.eval.SegmentationEvaluation;
import io.sparkcnn.jobs.eval.VideoEvaluation;
import io.sparkcnn.jobs.report.RunReport;
import io.sparkcnn.jobs.train.Aggregation;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.jobs.train.BackendFailedException;
import io.sparkcnn.jobs.train.ConsoleProgress;
import io.sparkcnn.jobs.train.DriverSettings;
import io.sparkcnn.jobs.train.MetricsLog;
import io.sparkcnn.jobs.train.ModelRecipe;
import io.sparkcnn.jobs.train.OuterOptimizer;
import io.sparkcnn.jobs.train.ParameterAveraging;
import io.sparkcnn.jobs.train.ShardSource;
import io.sparkcnn.jobs.train.TrainingSource;
import io.sparkcnn.jobs.train.TrainingState;
import io.sparkcnn.jobs.train.TrainingStoppedException;
import io.sparkcnn.jobs.train.WorkerDevices;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.checkpoint.CodeVersion;
import io.sparkcnn.model.progress.JobConsole;
import io.sparkcnn.model.data.DataVersion;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.train.Evaluation;
import io.sparkcnn.model.train.LayerTraining;
import io.sparkcnn.model.train.TrainerConfig;
import io.sparkcnn.model.train.WeightTransfer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The train job: plan and check everything, resume from the newest complete checkpoint when
 * asked, run parameter-averaging rounds with metrics and periodic checkpoints, write the final
 * checkpoint, and evaluate it on the evaluation split.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    /**
     * The end of a run: its final state, the last checkpoint, and the evaluation (null when
     * skipped): a classifier's in evaluation, a segmentation network's in segmentation, a detector's
     * in detection, a video classifier's in video.
     */
    public record Result(TrainingState state, Path checkpoint, Evaluation evaluation, SegmentationEvaluation segmentation,
                         DetectionEvaluation detection, VideoEvaluation video) {}

    private TrainJob() {}

    public static Result run(SparkSession spark, JobPlan requested, boolean resume) {
        return run(spark, requested, resume, JobConsole.stderr("train"));
    }

    /** The same, telling the console its phases and progress. */
    public static Result run(SparkSession spark, JobPlan requested, boolean resume, JobConsole console) {
        JobConfig cfg = requested.config();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LOG.info("replica placement: {}", ReplicaPlacement.check(sc.getConf(), cfg.string("backend.kind")));

        CheckpointStore store = new CheckpointStore(cfg.string("run.dir"), sc.hadoopConfiguration());
        if (!resume && !store.list().isEmpty()) {
            throw new ConfigException("run.dir", cfg.string("run.dir") + " holds checkpoints of an earlier run (newest "
                    + store.list().get(0).getName() + "); pass --resume to continue it, or choose another run.dir");
        }
        // a resume continues on the rows its checkpoint trained on (train.resume.data), a fresh run on the current ones
        Optional<ResumePoint> resumed = resume ? ResumePoint.find(spark, store, requested) : Optional.empty();
        resumed.ifPresent(r -> console.line(String.format("resuming from %s (round %d, step %d, epoch %d)", r.checkpoint(),
                r.state().round(), r.state().step(), r.state().epoch())));
        JobPlan plan = resumed.map(ResumePoint::plan).orElse(requested);
        String trainSplit = cfg.string("data.trainSplit");
        SplitIndex train = resumed.map(ResumePoint::train).orElseGet(plan::trainingSplit);
        console.phase("reading shards", String.format("split '%s': %,d rows in %d shard files of %s", train.split(),
                train.rows(), train.files().size(), plan.dataRoot()));
        if (plan.trainExamples() instanceof DetectionRows boxes) { // bad rows fail here, naming the row; drops are counted
            String counts = BoxSurvey.run(sc, train, boxes, cfg.integer("train.workers")).describe(train.split());
            LOG.info("boxes of {}", counts);
            console.line(counts);
        }
        DataVersion data = resumed.map(ResumePoint::data).orElseGet(() -> DataVersion.of(plan.manifest(), trainSplit));
        String recordedConfig = Normalisation.explicit(plan.config(), plan.manifest()).render();
        int workers = cfg.integer("train.workers");
        int batch = cfg.integer("train.batchSizePerWorker");
        BackendChoice backend = BackendChoice.of(cfg);
        TrainerConfig trainer = cfg.trainerConfig();
        LayerTraining layers = plan.layerTraining();
        ModelRecipe recipe = ModelRecipe.of(plan.network(), trainer, batch, backend, layers);
        TrainingSource source = new ShardSource(train, plan.trainExamples(), cfg.integer("data.shuffleBlockRows"),
                new SerializableConfiguration(sc.hadoopConfiguration()));
        DriverSettings settings = new DriverSettings(workers, cfg.integer("train.averagingFrequency"),
                Aggregation.parse(cfg.string("train.aggregation")), cfg.bool("train.averageOptimizerState"),
                cfg.integer("train.aggregationDepth"), cfg.integer("train.epochs"), cfg.integer("train.maxRounds"),
                cfg.longValue("run.seed"), outerOptimizer(cfg));
        ParameterAveraging driver = new ParameterAveraging(sc, source, recipe, settings, cfg.string("run.name"));
        TrainingState start = resumed.map(ResumePoint::state).orElseGet(() -> initialised(driver.initialState(), plan, cfg, sc, console));
        if (resumed.isPresent() && !cfg.string(InitFrom.SETTING).isEmpty()) {
            console.line(InitFrom.SETTING + " is not applied again: the run continues from its own checkpoint");
        }
        if (!layers.isDefault()) {
            String groups = layers.resolve(plan.network()).describe();
            LOG.info("fine-tuning: {}", groups);
            console.line("fine-tuning: " + groups);
        }
        long totalRounds = driver.roundsPerEpoch() * settings.epochs();
        if (settings.maxRounds() > 0) totalRounds = Math.min(totalRounds, settings.maxRounds());
        LOG.info("training {} ({} parameters) on {} rows of '{}': {} workers x batch {}, {} minibatches per epoch, {} rounds",
                plan.network().name(), plan.network().paramCount(), train.rows(), train.split(), workers, batch,
                driver.stepsPerEpoch(), totalRounds);

        console.phase("training", String.format("%s (%,d parameters) on %,d rows of '%s': %d workers x batch %d, %d minibatches"
                        + " per epoch, %d epochs = %d rounds of %d minibatches; backend.kind=%s", plan.network().name(),
                plan.network().paramCount(), train.rows(), train.split(), workers, batch, driver.stepsPerEpoch(),
                settings.epochs(), totalRounds, settings.stepsPerRound(), backend.kind()));
        if (driver.finished(start)) console.line("nothing left to train: round " + start.round() + " of " + totalRounds);
        String master = sc.master();
        String progressSetting = cfg.string("train.progress");
        ConsoleProgress progress = progressSetting.equals("on") || (progressSetting.equals("auto") && master.startsWith("local"))
                ? new ConsoleProgress(console, totalRounds, driver.stepsPerEpoch(), settings.epochs(), start.round()) : null;
        WorkerDevices devices = resumed.isPresent()
                ? devicesBeforeResume(cfg.string("run.dir"), start.round(), sc.hadoopConfiguration()) : new WorkerDevices();
        int every = cfg.integer("train.checkpointEvery");
        int keep = cfg.integer("train.keepCheckpoints");
        Path[] last = {store.newest().map(CheckpointStore.Loaded::dir).orElse(null)};
        long[] lastSavedRound = {start.round()};
        TrainingState end;
        try (MetricsLog metrics = new MetricsLog(cfg.string("run.dir"), start.round() + 1, sc.hadoopConfiguration())) {
            end = driver.run(start, (state, m) -> {
                metrics.write(m);
                devices.news(m.perWorker()).forEach(console::line);
                if (progress != null) progress.update(m);
                if (state.round() % every == 0) {
                    last[0] = store.save(checkpoint(plan, recipe, state, settings, recordedConfig, data), recordedConfig, keep);
                    lastSavedRound[0] = state.round();
                    console.line("checkpoint at round " + state.round() + ": " + last[0]);
                }
                return true;
            });
        } catch (TrainingStoppedException e) {
            LOG.error("{}; the last good checkpoint is {}", e.getMessage(), last[0] == null ? "none" : last[0]);
            throw e;
        } catch (Exception e) { // Spark's job failure is a checked SparkException, thrown undeclared
            EvaluateJob.rethrowBackendFailure(e);
            throw e;
        } finally {
            sc.clearJobGroup();
        }
        if (end.round() != lastSavedRound[0] || last[0] == null) {
            console.phase("writing checkpoint", "round " + end.round());
            last[0] = store.save(checkpoint(plan, recipe, end, settings, recordedConfig, data), recordedConfig, keep);
        }
        console.line("trained to round " + end.round() + " (epoch " + end.epoch() + "); checkpoint " + last[0]);
        LOG.info("finished at round {} (step {}, epoch {}); checkpoint {}", end.round(), end.step(), end.epoch(), last[0]);

        Evaluation evaluation = null;
        SegmentationEvaluation segmentation = null;
        DetectionEvaluation detection = null;
        VideoEvaluation video = null;
        if (cfg.bool("train.evaluateAtEnd") && end.epoch() >= settings.epochs()) {
            if (plan.task().kind() == Task.VIDEO) {
                video = EvaluateJob.evaluateVideo(spark, plan, store, last[0], end.params(), end.buffers(), console);
            } else if (plan.task().kind() == Task.DETECTION) {
                detection = EvaluateJob.evaluateDetection(spark, plan, store, last[0], end.params(), end.buffers(), console);
            } else if (plan.task().kind() == Task.SEGMENTATION) {
                segmentation = EvaluateJob.evaluateSegmentation(spark, plan, store, last[0], end.params(), end.buffers(), console);
            } else {
                evaluation = EvaluateJob.evaluate(spark, plan, store, last[0], end.params(), end.buffers(), console);
            }
        }
        RunReport.writeQuietly(cfg.string("run.dir"), sc.hadoopConfiguration(), console::line);
        return new Result(end, last[0], evaluation, segmentation, detection, video);
    }

    /**
     * A fresh run's start: the seed's initialisation, with train.initFrom's weights copied by layer
     * name over it (reported on the console, in the log and in run.dir/init-from.json).
     */
    private static TrainingState initialised(TrainingState fresh, JobPlan plan, JobConfig cfg, JavaSparkContext sc,
                                             JobConsole console) {
        String from = cfg.string(InitFrom.SETTING);
        if (from.isEmpty()) return fresh;
        CheckpointStore.Loaded source = InitFrom.load(from, sc.hadoopConfiguration());
        float[] params = fresh.params().clone(), buffers = fresh.buffers().clone();
        WeightTransfer.Report report = WeightTransfer.copy(source.checkpoint(), source.dir().toString(), plan.network(),
                params, buffers, cfg.strings("train.initSkip"));
        console.line(report.summary());
        LOG.info("{}", report.summary());
        CheckpointStore store = new CheckpointStore(cfg.string("run.dir"), sc.hadoopConfiguration());
        store.writeText(new Path(store.root().getParent(), INIT_REPORT), report.toJson());
        return new TrainingState(params, buffers, fresh.optimizerState(), 0, 0, 0, 0, fresh.outerMomentum());
    }

    /** The copy report of train.initFrom, in run.dir. */
    public static final String INIT_REPORT = "init-from.json";

    /** recordedConfig: the job config with the normalisation made explicit; data: the rows trained on. */
    static Checkpoint checkpoint(JobPlan plan, ModelRecipe recipe, TrainingState s, DriverSettings settings,
                                 String recordedConfig, DataVersion data) {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("step", s.step());
        counters.put("epoch", s.epoch());
        counters.put("stepInEpoch", s.stepInEpoch());
        counters.put("round", s.round());
        counters.put("workers", (long) settings.workers());
        counters.put("batchSizePerWorker", (long) recipe.batch());
        int slots = s.params().length == 0 ? 0 : s.optimizerState().length / s.params().length;
        String optimizer = slots == 0 ? Checkpoint.NO_OPTIMIZER : recipe.trainerConfig().optimizer();
        Checkpoint c = new Checkpoint(plan.network(), recordedConfig, CodeVersion.current(), settings.seed(), counters,
                s.params(), s.buffers(), optimizer, slots, s.optimizerState(), data);
        return OuterMomentumSlot.with(c, s.outerMomentum());
    }

    /** train.outerOptimizer, train.outerLearningRate, train.outerMomentum. */
    static OuterOptimizer outerOptimizer(JobConfig cfg) {
        OuterOptimizer.Kind kind = OuterOptimizer.Kind.parse(cfg.string("train.outerOptimizer"));
        if (kind == OuterOptimizer.Kind.NONE) return OuterOptimizer.NONE;
        return new OuterOptimizer(kind, (float) cfg.decimal("train.outerLearningRate"), (float) cfg.decimal("train.outerMomentum"));
    }

    /**
     * What each worker reported in the last logged round up to the one resumed from, to warn when the
     * arithmetic changed over the resume; nothing to compare with when the metrics are gone or unreadable.
     */
    private static WorkerDevices devicesBeforeResume(String runDir, long resumedRound, org.apache.hadoop.conf.Configuration conf) {
        try {
            Path dir = new Path(runDir);
            io.sparkcnn.jobs.report.RoundLog.Round last = null;
            for (var r : io.sparkcnn.jobs.report.RoundLog.read(dir.getFileSystem(conf), dir)) {
                if (r.round() <= resumedRound) last = r;
            }
            return last == null ? new WorkerDevices() : new WorkerDevices(last.workerArithmetic(), last.round());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("could not read the metrics of {} to compare the workers' devices over the resume: {}", runDir, e.toString());
            return new WorkerDevices();
        }
    }
}
