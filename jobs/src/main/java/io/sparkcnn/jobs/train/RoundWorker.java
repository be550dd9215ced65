package io.sparkcnn.jobs.train;

import io.sparkcnn.model.backend.DropoutHash;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.train.NonFiniteLossException;
import io.sparkcnn.model.train.Trainer;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * One worker's part of a round, run as one Spark task on an executor: take the broadcast
 * model, run the round's minibatches from the worker's own data cursor through the engine's
 * Trainer, and return one vector (parameters + buffers [+ optimizer state], or gradients +
 * buffers). Each worker draws its own dropout masks ({@link DropoutHash#workerSeed}). A
 * non-finite loss is returned as a failure naming the worker and the step,
 * rather than thrown, so Spark does not retry a deterministic failure.
 */
final class RoundWorker implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String run;
    private final TrainingSource source;
    private final ModelRecipe recipe;
    private final int workers;
    private final long seed;
    private final boolean averageOptimizerState;

    /** @param run identifies the run (the driver's loop) whose replicas and feeds the executors cache */
    RoundWorker(String run, TrainingSource source, ModelRecipe recipe, int workers, long seed, boolean averageOptimizerState) {
        this.run = run;
        this.source = source;
        this.recipe = recipe;
        this.workers = workers;
        this.seed = seed;
        this.averageOptimizerState = averageOptimizerState;
    }

    Iterator<WorkerOutput> run(int worker, Broadcast<RoundInput> broadcast) {
        long fetchStart = System.nanoTime();
        RoundInput in = broadcast.value();
        long fetch = System.nanoTime() - fetchStart;
        String modelKey = recipe.key();
        String feedKey = source.id() + "/" + worker + "/" + workers + "/" + recipe.batch() + "/" + seed;
        ReplicaPool pool = ReplicaPool.shared();
        Trainer trainer = pool.borrowTrainer(run, modelKey);
        BatchFeed feed = pool.borrowFeed(run, feedKey);
        try {
            long start = System.nanoTime();
            if (trainer == null) trainer = recipe.build(TaskResources.cpus(), TaskResources.gpuIndex());
            if (feed == null) feed = source.open(worker, workers, recipe.batch(), seed);
            WorkerOutput out = in.mode() == Aggregation.PARAMETERS
                    ? trainRound(worker, in, trainer, feed, fetch, start)
                    : gradientStep(worker, in, trainer, feed, fetch, start);
            return List.of(out).iterator();
        } finally {
            if (trainer != null) pool.giveBackTrainer(run, modelKey, trainer);
            if (feed != null) pool.giveBackFeed(run, feedKey, feed);
        }
    }

    // k minibatches from the broadcast model -> params | buffers | optimizer state (when averaged)
    private WorkerOutput trainRound(int worker, RoundInput in, Trainer trainer, BatchFeed feed, long fetch, long start) {
        Network net = trainer.network();
        net.setParams(in.params());
        net.setBuffers(in.buffers());
        trainer.setOptimizerState(in.optimizerState());
        trainer.setStep(in.step());
        net.setDropoutSeed(DropoutHash.workerSeed(seed, worker)); // replicas are pooled: set it every round
        float[] x = new float[recipe.batch() * net.inputSize()];
        float[] y = new float[recipe.batch() * net.targetSize()];
        double lossSum = 0;
        int done = 0;
        String failure = null;
        for (int i = 0; i < in.steps(); i++) {
            feed.fill(in.epoch(), in.stepInEpoch() + i, x, y);
            try {
                lossSum += trainer.trainStep(x, 0, y, 0);
                done++;
            } catch (NonFiniteLossException e) {
                failure = "worker " + worker + ", minibatch " + (i + 1) + " of the round (global step " + e.step() + "): "
                        + e.getMessage();
                break;
            }
        }
        int p = net.paramCount(), b = net.bufferCount();
        float[] opt = averageOptimizerState ? trainer.optimizerState() : new float[0];
        float[] v = new float[p + b + opt.length];
        System.arraycopy(net.params(), 0, v, 0, p);
        System.arraycopy(net.buffers(), 0, v, p, b);
        System.arraycopy(opt, 0, v, p + b, opt.length);
        long compute = System.nanoTime() - start;
        return new WorkerOutput(worker, v, List.of(new WorkerStats(worker, TaskResources.executorId(), done, lossSum,
                (long) done * recipe.batch(), fetch, compute, TaskResources.attempt(), failure, net.backend().name(),
                net.backend().deviceDescription())));
    }

    // one minibatch's gradient at the broadcast model -> grads | buffers
    private WorkerOutput gradientStep(int worker, RoundInput in, Trainer trainer, BatchFeed feed, long fetch, long start) {
        Network net = trainer.network();
        net.setParams(in.params());
        net.setBuffers(in.buffers());
        trainer.setStep(in.step());
        net.setDropoutSeed(DropoutHash.workerSeed(seed, worker));
        float[] x = new float[recipe.batch() * net.inputSize()];
        float[] y = new float[recipe.batch() * net.targetSize()];
        feed.fill(in.epoch(), in.stepInEpoch(), x, y);
        int p = net.paramCount(), b = net.bufferCount();
        float[] v = new float[p + b];
        double loss = 0;
        int done = 0;
        String failure = null;
        try {
            loss = trainer.computeGradients(x, 0, y, 0);
            done = 1;
            trainer.readGradients(v);
        } catch (NonFiniteLossException e) {
            failure = "worker " + worker + " (global step " + e.step() + "): " + e.getMessage();
        }
        System.arraycopy(net.buffers(), 0, v, p, b);
        long compute = System.nanoTime() - start;
        return new WorkerOutput(worker, v, List.of(new WorkerStats(worker, TaskResources.executorId(), done, loss,
                (long) done * recipe.batch(), fetch, compute, TaskResources.attempt(), failure, net.backend().name(),
                net.backend().deviceDescription())));
    }
}
