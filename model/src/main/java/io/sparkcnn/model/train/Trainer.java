package io.sparkcnn.model.train;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.optim.GradientClipping;
import io.sparkcnn.model.optim.LrSchedule;
import io.sparkcnn.model.optim.Optimizer;
import io.sparkcnn.model.task.MetricAccumulator;
import io.sparkcnn.model.task.TrainingTask;

import java.util.List;

/**
 * Single-process training on one minibatch at a time: forward, loss, backward, optional
 * clipping, and the optimizer update at the schedule's rate. This is what each Spark
 * worker runs. The global step (updates applied) lives here and in {@link Network#step()}
 * (which seeds dropout); both are set together, so a trainer restored with the same
 * parameters, optimizer state, buffers and step continues bit-identically, with the
 * schedule where it was. A step allocates nothing on the heap.
 *
 * <p>For synchronous gradient averaging the two halves are also separate:
 * {@link #computeGradients} on each worker, then {@link #applyGradients} on the copy that
 * steps.
 */
public final class Trainer {
    private final Network network;
    private final Backend backend;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final double baseLr;
    private final GradientClipping clipping;
    private final int paramCount;
    private long step;
    private float lastLr = Float.NaN;
    private float lastGradNorm = Float.NaN;
    private Evaluator evaluator;
    /** Fine-tuning's parameter segments and their rates; null: every parameter at the base rate. */
    private TrainableParams trainable;
    private int[] segmentOffsets, segmentLengths;
    private float[] segmentMultipliers;

    /**
     * Wraps a built network whose OPT arena has room for the optimizer's state, and starts
     * that state (zeros, or AdaGrad's initial accumulator). clipping may be null.
     */
    public Trainer(Network network, Optimizer optimizer, LrSchedule schedule, double baseLr, GradientClipping clipping) {
        this.network = network;
        this.backend = network.backend();
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.baseLr = baseLr;
        this.clipping = clipping;
        this.paramCount = network.paramCount();
        long needed = (long) optimizer.stateSlots() * paramCount;
        if (network.arenas().size(Arena.OPT) < needed) {
            throw new IllegalArgumentException("optimizer " + optimizer.name() + " keeps " + optimizer.stateSlots()
                    + " floats per parameter, but network '" + network.spec().name() + "' was built with room for "
                    + network.arenas().size(Arena.OPT) + " (build it with optSlots = " + optimizer.stateSlots() + ")");
        }
        if (network.targetSize() == 0) throw new IllegalArgumentException("network '" + network.spec().name() + "' has no loss to train");
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) throw new IllegalArgumentException("learningRate must be positive, got " + baseLr);
        optimizer.initState(backend, paramCount);
        network.setStep(0);
    }

    /**
     * Builds the network for a task (its default loss when the spec has none, the task's
     * shape rules checked first) and wraps it.
     */
    public static Trainer create(NetworkSpec spec, Backend backend, TrainerConfig config, TrainingTask task) {
        return create(task.prepare(spec), backend, config);
    }

    /** Builds the network for config.batchSize() on backend, initialises it from config.seed() and wraps it. */
    public static Trainer create(NetworkSpec spec, Backend backend, TrainerConfig config) {
        Optimizer opt = config.newOptimizer();
        Network net = Network.build(spec, config.batchSize(), backend, opt.stateSlots());
        net.initParams(config.seed());
        return new Trainer(net, opt, config.newLrSchedule(), config.learningRate(), config.newClipping());
    }

    /**
     * One training step on a minibatch: inputs from inputs[off] (batch * inputSize floats),
     * targets from targets[toff] (batch * targetSize floats). Returns the mean loss.
     *
     * @throws NonFiniteLossException when the loss or gradient norm is NaN or infinite; the
     *         update is not applied and the trainer stays at the previous step
     */
    public float trainStep(float[] inputs, int off, float[] targets, int toff) {
        float loss = computeGradients(inputs, off, targets, toff);
        applyGradients();
        return loss;
    }

    /**
     * Forward and backward on a minibatch, leaving the gradients in GRADS without updating
     * (the worker half of gradient averaging). Returns the mean loss; throws
     * {@link NonFiniteLossException} when it is not finite. Parameters and optimizer state
     * are then the last good ones, but batch-norm running statistics have absorbed the bad
     * batch: training stops there, and a job resumes from its last checkpoint. (Keeping a
     * host copy of them would cost a device-to-host transfer every step.)
     */
    public float computeGradients(float[] inputs, int off, float[] targets, int toff) {
        network.setInput(inputs, off);
        network.setTargets(targets, toff);
        network.setStep(step); // dropout masks are a function of the global step
        float loss = network.forwardBackward();
        network.setStep(step);
        if (!Float.isFinite(loss)) {
            throw new NonFiniteLossException(step + 1, "loss", loss);
        }
        return loss;
    }

    /**
     * Clips the gradients now in GRADS (when configured) and applies the optimizer at the
     * schedule's rate for the current step, then counts the step.
     */
    public void applyGradients() {
        if (clipping != null) {
            lastGradNorm = clipping.clip(backend, paramCount, network.scratchOffset());
            if (!Float.isFinite(lastGradNorm)) {
                throw new NonFiniteLossException(step + 1, "gradient norm", lastGradNorm);
            }
        }
        lastLr = (float) schedule.lr(baseLr, step);
        if (trainable == null) {
            optimizer.step(backend, paramCount, lastLr, step + 1);
        } else {
            for (int i = 0; i < segmentOffsets.length; i++) { // arrays, not the list: a step allocates nothing
                optimizer.update(backend, segmentOffsets[i], segmentLengths[i], paramCount, lastLr * segmentMultipliers[i], step + 1);
            }
        }
        step++;
        network.setStep(step);
    }

    /**
     * Fine-tuning: only the trainable segments are updated, each at its multiple of the rate; frozen
     * parameters and their optimizer state are never written (see {@link Network#setTrainable}).
     */
    public void setTrainable(TrainableParams t) {
        network.setTrainable(t);
        List<TrainableParams.Segment> segments = t.segments();
        segmentOffsets = new int[segments.size()];
        segmentLengths = new int[segments.size()];
        segmentMultipliers = new float[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            segmentOffsets[i] = segments.get(i).offset();
            segmentLengths[i] = segments.get(i).length();
            segmentMultipliers[i] = segments.get(i).multiplier();
        }
        this.trainable = t;
    }

    /** The trainable segments (null when every parameter trains at the base rate). */
    public TrainableParams trainable() { return trainable; }

    /** Scores count examples in inference mode; see {@link Evaluator}. */
    public Evaluation evaluate(float[] inputs, int inOff, float[] labels, int labelOff, int count) {
        if (evaluator == null) evaluator = new Evaluator(network);
        return evaluator.evaluate(inputs, inOff, labels, labelOff, count);
    }

    /** Scores count examples in inference mode into the task's metrics; see {@link Evaluator#score}. */
    public MetricAccumulator evaluate(TrainingTask task, float[] inputs, int inOff, float[] targets, int targetOff, int count) {
        if (evaluator == null) evaluator = new Evaluator(network);
        return evaluator.evaluate(task, inputs, inOff, targets, targetOff, count);
    }

    /** Updates applied so far, counted across resumes. */
    public long step() { return step; }

    /** Sets the global step (on resume, or when a Spark driver assigns it); the schedule and dropout follow it. */
    public void setStep(long step) {
        if (step < 0) throw new IllegalArgumentException("step must be >= 0, got " + step);
        this.step = step;
        network.setStep(step);
    }

    /** The learning rate the next update will use. */
    public float nextLearningRate() { return (float) schedule.lr(baseLr, step); }

    /** The learning rate of the last update (NaN before the first). */
    public float lastLearningRate() { return lastLr; }

    /** The gradient norm before clipping at the last update (NaN without clipping). */
    public float lastGradNorm() { return lastGradNorm; }

    /** Floats of optimizer state: stateSlots * paramCount. */
    public int optimizerStateSize() { return optimizer.stateSlots() * paramCount; }

    /** The optimizer state (OPT arena) as a new array, for checkpoints. */
    public float[] optimizerState() {
        float[] copy = new float[optimizerStateSize()];
        readOptimizerState(copy);
        return copy;
    }

    /** Copies the optimizer state into dst[0, optimizerStateSize()) without allocating (per-round averaging). */
    public void readOptimizerState(float[] dst) {
        backend.download(Arena.OPT, 0, dst, 0, optimizerStateSize());
    }

    /** Restores optimizer state saved by {@link #optimizerState()} from a trainer of the same network and optimizer. */
    public void setOptimizerState(float[] state) {
        int n = optimizerStateSize();
        if (state.length != n) {
            throw new IllegalArgumentException("optimizer " + optimizer.name() + " on " + paramCount + " parameters keeps "
                    + n + " floats of state, got " + state.length);
        }
        backend.upload(Arena.OPT, 0, state, 0, n);
    }

    /** Copies the gradients of the last {@link #computeGradients} into dst[0, paramCount). */
    public void readGradients(float[] dst) {
        backend.download(Arena.GRADS, 0, dst, 0, paramCount);
    }

    /** Replaces GRADS with src[0, paramCount) (averaged gradients) before {@link #applyGradients}. */
    public void writeGradients(float[] src) {
        if (src.length < paramCount) throw new IllegalArgumentException("need " + paramCount + " gradients, got " + src.length);
        backend.upload(Arena.GRADS, 0, src, 0, paramCount);
    }

    public Network network() { return network; }

    public Optimizer optimizer() { return optimizer; }

    public LrSchedule schedule() { return schedule; }

    public double baseLearningRate() { return baseLr; }

    public GradientClipping clipping() { return clipping; }
}
