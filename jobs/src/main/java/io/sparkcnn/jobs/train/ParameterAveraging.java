package io.sparkcnn.jobs.train;

import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.train.NonFiniteLossException;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainableParams;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.List;

/**
 * The driver of synchronous data-parallel training. Round r: broadcast the model (+ the
 * optimizer state when it is averaged); each of W workers (one Spark task each) runs the
 * round's minibatches from its own data cursor; the workers' vectors are summed in a fixed
 * order ({@link TreeSum}) and divided by W on the driver; the broadcast is destroyed. In
 * gradients mode the round is one minibatch, and the driver applies the averaged gradient
 * with the engine's optimizer. With an {@link OuterOptimizer} the parameters' mean is taken as
 * the end of an outer gradient step from the broadcast model, not as the next model. Step, epoch and cursor counters travel in
 * {@link TrainingState}, so the schedule never restarts.
 */
public final class ParameterAveraging {
    private final JavaSparkContext sc;
    private final TrainingSource source;
    private final ModelRecipe recipe;
    private final DriverSettings settings;
    private final String jobPrefix;
    private final long stepsPerEpoch;
    /** The driver's replica: initial values, and the optimizer step in gradients mode. */
    private final Trainer driverTrainer;
    private final float[] initialOptimizerState;
    private final TrainingState initial;
    /** Fine-tuning's frozen regions (null: everything trains): kept exactly through the averaging. */
    private final TrainableParams trainable;
    /** Names this run's replicas and feeds in the executors' pools, so a later run evicts them. */
    private final String runId = java.util.UUID.randomUUID().toString();
    /** The rate the workers' updates use, for the metrics: a pure function of the global step. */
    private final io.sparkcnn.model.optim.LrSchedule schedule;
    private final double baseLearningRate;
    /**
     * The worker's code and its data source (shard index, Hadoop configuration), sent once per run:
     * captured in each round's closure they were serialized twice on the driver and deserialized in
     * every task, every round (docs/benchmarks.md, "Where a round's time outside compute went").
     */
    private Broadcast<RoundWorker> workerBroadcast;

    public ParameterAveraging(JavaSparkContext sc, TrainingSource source, ModelRecipe recipe, DriverSettings settings,
                              String jobPrefix) {
        this.sc = sc;
        this.source = source;
        this.recipe = recipe;
        this.settings = settings;
        this.jobPrefix = jobPrefix;
        this.stepsPerEpoch = source.stepsPerEpoch(settings.workers(), recipe.batch());
        // the driver replica never trains on data: batch 1 on the CPU keeps it small
        ModelRecipe driverRecipe = recipe.with(1, new BackendChoice("cpu", false, 1));
        this.driverTrainer = driverRecipe.build(1, -1);
        this.trainable = driverTrainer.trainable();
        this.initialOptimizerState = driverTrainer.optimizerState();
        Network net = driverTrainer.network();
        this.schedule = recipe.trainerConfig().newLrSchedule();
        this.baseLearningRate = recipe.trainerConfig().learningRate();
        this.initial = new TrainingState(net.params().clone(), net.buffers().clone(), initialOptimizerState, 0, 0, 0, 0,
                settings.outer().initialMomentum(net.params().length));
    }

    public long stepsPerEpoch() { return stepsPerEpoch; }

    /** Rounds in one epoch: the last one of an epoch may run fewer than k minibatches. */
    public long roundsPerEpoch() {
        int k = settings.stepsPerRound();
        return (stepsPerEpoch + k - 1) / k;
    }

    /** The state before the first round: parameters initialised from the seed, fresh optimizer state. */
    public TrainingState initialState() { return initial; }

    public boolean finished(TrainingState s) {
        return s.epoch() >= settings.epochs() || (settings.maxRounds() > 0 && s.round() >= settings.maxRounds());
    }

    /** Runs rounds until the epochs (or maxRounds) are done or the listener stops; returns the last state. */
    public TrainingState run(TrainingState start, RoundListener listener) {
        TrainingState s = start;
        try {
            while (!finished(s)) {
                RoundResult r = round(s);
                s = r.state();
                if (!listener.roundDone(s, r.metrics())) break;
            }
        } finally {
            releaseWorker();
        }
        return s;
    }

    /** The per-run broadcast of the worker, made at the first round. */
    private Broadcast<RoundWorker> worker() {
        if (workerBroadcast == null) {
            workerBroadcast = sc.broadcast(new RoundWorker(runId, source, recipe, settings.workers(), settings.seed(),
                    settings.averageOptimizerState()));
        }
        return workerBroadcast;
    }

    /** Drops the worker's broadcast from the executors; a later round sends it again. */
    private void releaseWorker() {
        if (workerBroadcast != null) {
            workerBroadcast.destroy();
            workerBroadcast = null;
        }
    }

    public record RoundResult(TrainingState state, RoundMetrics metrics) {}

    /** One round from state s. */
    public RoundResult round(TrainingState s) {
        int steps = (int) Math.min(settings.stepsPerRound(), stepsPerEpoch - s.stepInEpoch());
        boolean params = settings.mode() == Aggregation.PARAMETERS;
        float[] opt = !params ? null : settings.averageOptimizerState() ? s.optimizerState() : initialOptimizerState;
        RoundInput in = new RoundInput(s.round(), settings.mode(), s.params(), s.buffers(), opt, s.step(), s.epoch(),
                s.stepInEpoch(), steps);
        sc.setJobGroup(jobPrefix + "-epoch-" + (s.epoch() + 1), jobPrefix + ": epoch " + (s.epoch() + 1) + "/"
                + settings.epochs() + ", round " + (s.round() + 1) + " (" + settings.mode().name().toLowerCase()
                + ", " + settings.workers() + " workers x " + steps + " minibatches)", false);
        Broadcast<RoundWorker> worker = worker();
        long t0 = System.nanoTime();
        Broadcast<RoundInput> bc = sc.broadcast(in);
        long put = System.nanoTime() - t0;
        WorkerOutput sum;
        try {
            List<Integer> ids = new ArrayList<>();
            for (int w = 0; w < settings.workers(); w++) ids.add(w);
            JavaRDD<WorkerOutput> outputs = sc.parallelize(ids, settings.workers())
                    .mapPartitionsWithIndex((index, it) -> worker.value().run(index, bc), true);
            sum = TreeSum.sum(outputs, settings.aggregationDepth());
        } finally {
            bc.destroy();
        }
        long t1 = System.nanoTime();
        for (WorkerStats w : sum.stats()) {
            if (w.failure() != null) {
                throw new TrainingStoppedException(s.round() + 1, "training stopped in round " + (s.round() + 1)
                        + " (epoch " + (s.epoch() + 1) + "): " + w.failure());
            }
        }
        TrainingState next = params ? averageModels(s, sum, steps) : applyGradients(s, sum);
        long t2 = System.nanoTime();
        return new RoundResult(next, metrics(s, steps, sum.stats(), put, t1 - t0, t2 - t1));
    }

    private TrainingState averageModels(TrainingState s, WorkerOutput sum, int steps) {
        int p = s.params().length, b = s.buffers().length;
        float[] v = sum.vector();
        float w = settings.workers();
        float[] params = new float[p], buffers = new float[b];
        for (int i = 0; i < p; i++) params[i] = v[i] / w;
        for (int i = 0; i < b; i++) buffers[i] = v[p + i] / w;
        float[] opt;
        if (settings.averageOptimizerState()) {
            opt = new float[v.length - p - b];
            for (int i = 0; i < opt.length; i++) opt[i] = v[p + b + i] / w;
        } else {
            opt = s.optimizerState();
        }
        if (trainable != null) trainable.keepFrozen(s.params(), params, s.buffers(), buffers, s.optimizerState(), opt, p);
        float[] u = s.outerMomentum();
        if (settings.outer().enabled()) { // after keepFrozen: a frozen parameter's displacement is exactly 0, its u stays 0
            u = u.clone();
            settings.outer().step(s.params(), params, u);
        }
        return s.advance(params, buffers, opt, steps, stepsPerEpoch).withOuterMomentum(u);
    }

    private TrainingState applyGradients(TrainingState s, WorkerOutput sum) {
        int p = s.params().length, b = s.buffers().length;
        float[] v = sum.vector();
        float w = settings.workers();
        float[] grads = new float[p], buffers = new float[b];
        for (int i = 0; i < p; i++) grads[i] = v[i] / w;
        for (int i = 0; i < b; i++) buffers[i] = v[p + i] / w;
        Network net = driverTrainer.network();
        net.setParams(s.params());
        driverTrainer.setOptimizerState(s.optimizerState());
        driverTrainer.setStep(s.step());
        driverTrainer.writeGradients(grads);
        try {
            driverTrainer.applyGradients();
        } catch (NonFiniteLossException e) {
            throw new TrainingStoppedException(s.round() + 1, "training stopped in round " + (s.round() + 1)
                    + ": the averaged gradient's " + e.getMessage());
        }
        float[] params = net.params().clone(), opt = driverTrainer.optimizerState();
        if (trainable != null) trainable.keepFrozen(s.params(), params, s.buffers(), buffers, s.optimizerState(), opt, p);
        return s.advance(params, buffers, opt, 1, stepsPerEpoch);
    }

    private RoundMetrics metrics(TrainingState s, int steps, List<WorkerStats> stats, long put, long jobNanos, long averageNanos) {
        long maxFetch = 0, maxCompute = 0, maxWorker = 0, examples = 0;
        double loss = 0;
        int batches = 0;
        for (WorkerStats w : stats) {
            maxFetch = Math.max(maxFetch, w.broadcastFetchNanos());
            maxCompute = Math.max(maxCompute, w.computeNanos());
            maxWorker = Math.max(maxWorker, w.broadcastFetchNanos() + w.computeNanos());
            examples += w.examples();
            loss += w.lossSum();
            batches += w.batches();
        }
        double roundMs = (jobNanos + averageNanos) / 1e6;
        double aggregateMs = Math.max(0, (jobNanos - put - maxWorker) / 1e6);
        return new RoundMetrics(s.round() + 1, s.epoch(), s.stepInEpoch(), s.step() + steps, steps, settings.workers(),
                batches == 0 ? Double.NaN : loss / batches, schedule.lr(baseLearningRate, s.step()), examples, examples / (roundMs / 1e3),
                roundMs, (put + maxFetch) / 1e6, maxCompute / 1e6, aggregateMs, averageNanos / 1e6, stats);
    }
}
