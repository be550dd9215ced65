package io.sparkcnn.model.graph;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.TensorOps;
import io.sparkcnn.model.layers.Init;
import io.sparkcnn.model.layers.LayerPlan;
import io.sparkcnn.model.layers.LayerRuntime;
import io.sparkcnn.model.tensor.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A network planned for one batch size on one backend. Layout of ACTS: the input, every
 * node's output, the targets and the loss; then every node's output gradient in one
 * contiguous block (zeroed by one fill per step); then the layers' caches.
 */
public final class Network implements AutoCloseable {
    private final NetworkSpec spec;
    private final int batch;
    private final Backend backend;
    private final ArenaLayout layout;
    private final List<LayerRuntime> runtimes = new ArrayList<>();
    private final Map<String, Shape> shapes;
    private final Map<String, Integer> actOffsets, gradOffsets;
    private final List<Head> heads;
    private final LossRuntime[] lossRuntimes;
    private final int[] headTargetOffsets, headTargetSizes, headLossOffsets;
    private final float[] headLosses;
    private final Arenas arenas;
    private final int inputOffset, inputSize;
    private final int outputOffset, outputGradOffset, outputSize;
    private final int targetOffset, targetSize;
    private final int lossOffset, scratchOffset;
    private final int gradBlockOffset, gradBlockLength;
    private long step;
    private long dropoutSeed;
    /** Fine-tuning (null: every layer trains): nodes in evaluation mode, nodes whose backward is skipped, frozen PARAMS. */
    private boolean[] evalInTraining, skipBackward;
    private int[] frozenOffsets = new int[0], frozenLengths = new int[0];

    private Network(NetworkSpec spec, int batch, Backend backend, int optSlots) {
        this(spec, batch, backend, optSlots, true);
    }

    /** allocate = false plans the layout only (offsets and sizes), for {@link #checkFits}. */
    private Network(NetworkSpec spec, int batch, Backend backend, int optSlots, boolean allocate) {
        if (batch <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batch);
        this.spec = spec;
        this.batch = batch;
        this.backend = backend;
        this.layout = new ArenaLayout();
        Map<String, Shape> shapes = spec.shapes();
        this.shapes = shapes;
        Shape outShape = shapes.get(spec.outputNode().name());

        Map<String, Integer> out = new HashMap<>();
        Map<String, Integer> grad = new HashMap<>();
        inputSize = spec.input().size();
        inputOffset = layout.acts((long) batch * inputSize);
        out.put(NetworkSpec.INPUT, inputOffset);
        for (Node n : spec.nodes()) out.put(n.name(), layout.acts((long) batch * shapes.get(n.name()).size()));
        heads = spec.heads();
        int h = heads.size();
        headTargetOffsets = new int[h];
        headTargetSizes = new int[h];
        headLossOffsets = new int[h];
        headLosses = new float[h];
        int targets = 0;
        for (int i = 0; i < h; i++) {
            headTargetSizes[i] = heads.get(i).loss().targetSize(shapes.get(heads.get(i).node()));
            targets = Math.addExact(targets, headTargetSizes[i]);
        }
        targetSize = targets;
        // one block of targets, head after head: a single setTargets fills every head
        targetOffset = layout.acts((long) batch * targetSize);
        for (int i = 0, at = targetOffset; i < h; i++) {
            headTargetOffsets[i] = at;
            at += batch * headTargetSizes[i];
        }
        lossOffset = layout.acts(1);
        if (h > 0) headLossOffsets[0] = lossOffset;
        for (int i = 1; i < h; i++) headLossOffsets[i] = layout.acts(1);
        scratchOffset = layout.acts(1);
        int gradStart = -1;
        for (Node n : spec.nodes()) {
            int g = layout.acts((long) batch * shapes.get(n.name()).size());
            if (gradStart < 0) gradStart = g;
            grad.put(n.name(), g);
        }
        gradBlockOffset = gradStart;
        gradBlockLength = layout.actSize() - gradStart;

        this.actOffsets = Map.copyOf(out);
        this.gradOffsets = Map.copyOf(grad);
        for (Node n : spec.nodes()) {
            runtimes.add(n.spec().plan(new Plan(n, shapes, out, grad)));
        }
        outputOffset = out.get(spec.outputNode().name());
        outputGradOffset = grad.get(spec.outputNode().name());
        outputSize = outShape.size();
        lossRuntimes = new LossRuntime[h];
        for (int i = 0; i < h; i++) lossRuntimes[i] = planHead(i, out.get(heads.get(i).node()), grad.get(heads.get(i).node()));

        if (!allocate) {
            arenas = null;
            return;
        }
        arenas = new Arenas(layout.paramSize(), layout.bufferSize(), layout.actSize(),
                Math.multiplyExact(optSlots, layout.paramSize()));
        for (ArenaLayout.BufferRegion r : layout.bufferRegions) {
            java.util.Arrays.fill(arenas.buffers(), r.offset(), r.offset() + r.length(), r.value());
        }
        backend.bind(arenas);
        for (LayerRuntime r : runtimes) r.bind(backend);
        for (LossRuntime r : lossRuntimes) r.bind(backend);
    }

    /**
     * Plans the network; checks every shape first, so a network that does not fit fails
     * before any allocation. optSlots: optimizer state per parameter (0 for inference).
     */
    public static Network build(NetworkSpec spec, int batch, Backend backend, int optSlots) {
        spec.shapes();
        return new Network(spec, batch, backend, optSlots);
    }

    /**
     * Plans the network at this batch size without allocating or binding anything, so a job can refuse a
     * batch whose arenas no Java array holds before it starts a cluster. Returns the activation floats
     * (ACTS) the batch needs; throws {@link IllegalArgumentException} ("use a smaller batch") when it does not fit.
     */
    public static long checkFits(NetworkSpec spec, int batch) {
        spec.shapes();
        return new Network(spec, batch, null, 0, false).layout.actSize();
    }

    /** The arena layout of a spec at batch 1, planned without allocating (parameter offsets do not depend on the batch). */
    static ArenaLayout planLayout(NetworkSpec spec) {
        spec.shapes();
        return new Network(spec, 1, null, 0, false).layout;
    }

    /** Where each layer's parameters and buffers lie in this network's arenas. */
    public ParameterLayout parameterLayout() { return ParameterLayout.from(spec, layout); }

    /** Fills parameters from the layers' initialisers with a generator per region, so a seed fixes them all. */
    public void initParams(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        float[] p = arenas.params();
        for (ArenaLayout.ParamRegion r : layout.paramRegions) r.init().fill(p, r.offset(), r.length(), root.split());
        backend.pushToDevice(Arena.PARAMS);
        this.dropoutSeed = seed;
    }

    public NetworkSpec spec() { return spec; }

    public int batch() { return batch; }

    public Backend backend() { return backend; }

    public Arenas arenas() { return arenas; }

    public int paramCount() { return layout.paramSize(); }

    public int bufferCount() { return layout.bufferSize(); }

    public int inputSize() { return inputSize; }

    public int outputSize() { return outputSize; }

    /** Floats of target per example, all heads together (head after head, see {@link #setTargets}). */
    public int targetSize() { return targetSize; }

    /** ACTS offset of a free float the trainer may use (gradient norm). */
    public int scratchOffset() { return scratchOffset; }

    /** Training steps taken: seeds dropout, restored on resume. */
    public long step() { return step; }

    public void setStep(long step) { this.step = step; }

    public void setDropoutSeed(long seed) { this.dropoutSeed = seed; }

    public long dropoutSeed() { return dropoutSeed; }

    /** Copies a batch of inputs (batch * inputSize floats from src[off]). */
    public void setInput(float[] src, int off) {
        backend.upload(Arena.ACTS, inputOffset, src, off, batch * inputSize);
    }

    /**
     * Copies a batch of targets (batch * targetSize floats from src[off]). With several
     * heads the block holds head 0's batch * targetSize(0) floats, then head 1's, and so on.
     */
    public void setTargets(float[] src, int off) {
        backend.upload(Arena.ACTS, targetOffset, src, off, batch * targetSize);
    }

    public void forward(boolean training) {
        long base = training ? mix(dropoutSeed, step) : 0;
        for (int i = 0; i < runtimes.size(); i++) {
            runtimes.get(i).forward(training && (evalInTraining == null || !evalInTraining[i]), mix(base, i));
        }
    }

    /**
     * Fine-tuning: frozen batch norms normalise with their running statistics in training too,
     * a node before which nothing trains skips its backward, and the frozen parameters' gradients
     * are zero after {@link #backward()} (so clipping and gradient averaging ignore them).
     */
    public void setTrainable(io.sparkcnn.model.train.TrainableParams t) {
        List<Node> nodes = spec.nodes();
        boolean[] eval = new boolean[nodes.size()], skip = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            eval[i] = t.evalBatchNorms().contains(nodes.get(i).name());
            skip[i] = !t.needsBackward(i);
        }
        List<io.sparkcnn.model.train.TrainableParams.Span> frozen = t.frozenParams();
        int[] off = new int[frozen.size()], len = new int[frozen.size()];
        for (int i = 0; i < off.length; i++) {
            off[i] = frozen.get(i).offset();
            len[i] = frozen.get(i).length();
        }
        this.evalInTraining = eval;
        this.skipBackward = skip;
        this.frozenOffsets = off;
        this.frozenLengths = len;
    }

    /** Zeroes parameter and activation gradients. */
    public void zeroGrads() {
        backend.tensor().fill(Arena.GRADS, 0, layout.paramSize(), 0f);
        backend.tensor().fill(Arena.ACTS, gradBlockOffset, gradBlockLength, 0f);
    }

    /**
     * The loss of the current batch: the weighted sum of the heads' mean losses (the one
     * head's mean loss, unweighted, when there is one of weight 1). Adds each head's weighted
     * loss gradient into its node's gradient.
     */
    public float computeLoss() {
        if (lossRuntimes.length == 0) throw new IllegalStateException("network '" + spec.name() + "' has no loss");
        for (LossRuntime r : lossRuntimes) r.compute();
        if (lossRuntimes.length == 1 && heads.get(0).weight() == 1f) {
            headLosses[0] = backend.read(Arena.ACTS, lossOffset);
            return headLosses[0];
        }
        double total = 0;
        for (int i = 0; i < lossRuntimes.length; i++) {
            headLosses[i] = backend.read(Arena.ACTS, headLossOffsets[i]);
            total += (double) heads.get(i).weight() * headLosses[i];
        }
        return (float) total;
    }

    /** The loss heads this network was planned with, in target order. */
    public List<Head> heads() { return heads; }

    /** Floats of target per example for one head. */
    public int targetSize(int head) { return headTargetSizes[checkHead(head)]; }

    /** Mean loss of one head at the last {@link #computeLoss()}, before its weight. */
    public float headLoss(int head) { return headLosses[checkHead(head)]; }

    /** Copies one head's targets (batch * targetSize(head) floats from src[off]) into its block. */
    public void setTargets(int head, float[] src, int off) {
        backend.upload(Arena.ACTS, headTargetOffsets[checkHead(head)], src, off, batch * headTargetSizes[head]);
    }

    private int checkHead(int head) {
        if (head < 0 || head >= heads.size()) {
            throw new IllegalArgumentException("network '" + spec.name() + "' has " + heads.size() + " loss heads, no head " + head);
        }
        return head;
    }

    /**
     * A head of weight 1 adds its gradient straight into the node's gradient (the single-loss
     * path, unchanged). Any other weight computes into a private gradient block, scales it and
     * adds it, so heads that share a node, or a node that also feeds later layers, stay exact.
     */
    private LossRuntime planHead(int i, int nodeOut, int nodeGrad) {
        Head head = heads.get(i);
        Shape shape = shapes.get(head.node());
        if (head.weight() == 1f) {
            return head.loss().plan(new LossPlan(batch, shape, nodeOut, nodeGrad, headTargetOffsets[i],
                    headLossOffsets[i], n -> layout.acts(n)));
        }
        int n = batch * shape.size();
        int privateGrad = layout.acts(n);
        LossRuntime inner = head.loss().plan(new LossPlan(batch, shape, nodeOut, privateGrad, headTargetOffsets[i],
                headLossOffsets[i], k -> layout.acts(k)));
        float weight = head.weight();
        return new LossRuntime() {
            private TensorOps ops;

            @Override
            public void bind(Backend b) {
                ops = b.tensor();
                inner.bind(b);
            }

            @Override
            public void compute() {
                ops.fill(Arena.ACTS, privateGrad, n, 0f);
                inner.compute();
                ops.scale(Arena.ACTS, privateGrad, n, weight);
                ops.accumulate(n, privateGrad, nodeGrad);
            }
        };
    }

    public void backward() {
        for (int i = runtimes.size() - 1; i >= 0; i--) {
            if (skipBackward == null || !skipBackward[i]) runtimes.get(i).backward();
        }
        for (int i = 0; i < frozenOffsets.length; i++) backend.tensor().fill(Arena.GRADS, frozenOffsets[i], frozenLengths[i], 0f);
    }

    /**
     * The backward of the marked nodes only (spec order, last first), without any loss: for a
     * gradient written into a node's output gradient by hand ({@link #writeGradient}), e.g. a
     * class score's one-hot that explain propagates to a feature map. Parameter gradients
     * accumulate as in {@link #backward()}; unmarked nodes (those that do not depend on the
     * node whose gradient is wanted) are skipped, so their evaluation-mode caches are never read.
     */
    public void backward(boolean[] nodes) {
        if (nodes.length != runtimes.size()) {
            throw new IllegalArgumentException("network '" + spec.name() + "' has " + runtimes.size() + " nodes, got "
                    + nodes.length + " marks");
        }
        for (int i = runtimes.size() - 1; i >= 0; i--) {
            if (nodes[i]) runtimes.get(i).backward();
        }
    }

    /** zeroGrads, forward in training mode, loss, backward; returns the loss. Counts a step. */
    public float forwardBackward() {
        zeroGrads();
        forward(true);
        float loss = computeLoss();
        backward();
        step++;
        return loss;
    }

    /** The output of the last forward, batch * outputSize floats into dst. */
    public void readOutput(float[] dst) {
        backend.download(Arena.ACTS, outputOffset, dst, 0, batch * outputSize);
    }

    /** ACTS offset of the output, for code that reads it through the backend. */
    public int outputOffset() { return outputOffset; }

    public int outputGradOffset() { return outputGradOffset; }

    /** The shape of one example at a node ("input" included); the node must exist. */
    public Shape shape(String node) {
        Shape s = shapes.get(node);
        if (s == null) throw unknownNode(node);
        return s;
    }

    /** ACTS offset of a node's output (batch * shape(node).size() floats), for code that works through the backend. */
    public int activationOffset(String node) {
        Integer off = actOffsets.get(node);
        if (off == null) throw unknownNode(node);
        return off;
    }

    /** ACTS offset of a node's output gradient; the input has none. */
    public int gradientOffset(String node) {
        Integer off = gradOffsets.get(node);
        if (off == null) {
            if (actOffsets.containsKey(node)) {
                throw new IllegalArgumentException("network '" + spec.name() + "': node '" + node + "' has no gradient (the input is not trained)");
            }
            throw unknownNode(node);
        }
        return off;
    }

    /** Floats a node holds for the whole batch: batch * shape(node).size(). */
    public int nodeLength(String node) { return batch * shape(node).size(); }

    /** Copies a node's output of the last forward (batch * shape(node).size() floats) into dst[0..]. */
    public void readActivation(String node, float[] dst) { readActivation(node, dst, 0); }

    public void readActivation(String node, float[] dst, int off) {
        int n = fits(node, dst.length, off);
        backend.download(Arena.ACTS, activationOffset(node), dst, off, n);
    }

    /** Overwrites a node's output with src[off..] (e.g. a test feeding a layer, or "input"). */
    public void writeActivation(String node, float[] src, int off) {
        int n = fits(node, src.length, off);
        backend.upload(Arena.ACTS, activationOffset(node), src, off, n);
    }

    /** Copies the gradient of the loss with respect to a node's output (after backward) into dst[0..]. */
    public void readGradient(String node, float[] dst) { readGradient(node, dst, 0); }

    public void readGradient(String node, float[] dst, int off) {
        int n = fits(node, dst.length, off);
        backend.download(Arena.ACTS, gradientOffset(node), dst, off, n);
    }

    /**
     * Overwrites a node's output gradient with src[off..]; {@link #backward()} then propagates it.
     * (A loss computed outside the network writes its gradient here.)
     */
    public void writeGradient(String node, float[] src, int off) {
        int n = fits(node, src.length, off);
        backend.upload(Arena.ACTS, gradientOffset(node), src, off, n);
    }

    /** Node names in plan order, "input" first. */
    public List<String> nodeNames() { return List.copyOf(shapes.keySet()); }

    private int fits(String node, int arrayLength, int off) {
        int n = nodeLength(node);
        if (off < 0 || (long) off + n > arrayLength) {
            throw new IllegalArgumentException("network '" + spec.name() + "': node '" + node + "' holds " + n
                    + " floats (batch " + batch + " x " + shape(node) + "), which do not fit an array of "
                    + arrayLength + " from " + off);
        }
        return n;
    }

    private IllegalArgumentException unknownNode(String node) {
        return new IllegalArgumentException("network '" + spec.name() + "' has no node '" + node + "'; its nodes are "
                + shapes.keySet());
    }

    /** Parameters as they are now (pulled from a device first). The returned array is the arena: copy to keep. */
    public float[] params() {
        backend.pullToHost(Arena.PARAMS);
        return arenas.params();
    }

    public void setParams(float[] src) {
        if (src.length != layout.paramSize()) {
            throw new IllegalArgumentException("network '" + spec.name() + "' has " + layout.paramSize()
                    + " parameters, got " + src.length);
        }
        System.arraycopy(src, 0, arenas.params(), 0, src.length);
        backend.pushToDevice(Arena.PARAMS);
    }

    public float[] buffers() {
        backend.pullToHost(Arena.BUFFERS);
        return arenas.buffers();
    }

    public void setBuffers(float[] src) {
        if (src.length != layout.bufferSize()) {
            throw new IllegalArgumentException("network '" + spec.name() + "' has " + layout.bufferSize()
                    + " buffer values, got " + src.length);
        }
        System.arraycopy(src, 0, arenas.buffers(), 0, src.length);
        backend.pushToDevice(Arena.BUFFERS);
    }

    @Override
    public void close() { backend.close(); }

    private static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private final class Plan implements LayerPlan {
        private final Node node;
        private final List<Shape> inShapes;
        private final Shape outShape;
        private final Map<String, Integer> out, grad;

        Plan(Node node, Map<String, Shape> shapes, Map<String, Integer> out, Map<String, Integer> grad) {
            this.node = node;
            this.inShapes = NetworkSpec.inputShapes(node, shapes);
            this.outShape = shapes.get(node.name());
            this.out = out;
            this.grad = grad;
        }

        @Override public String name() { return node.name(); }

        @Override public int batch() { return batch; }

        @Override public List<Shape> inputShapes() { return inShapes; }

        @Override public Shape outputShape() { return outShape; }

        @Override public int input(int i) { return out.get(node.inputs().get(i)); }

        @Override public int inputGrad(int i) { return grad.getOrDefault(node.inputs().get(i), -1); }

        @Override public int output() { return out.get(node.name()); }

        @Override public int outputGrad() { return grad.get(node.name()); }

        @Override public int params(int n, Init init) { return layout.params(node.name(), n, init); }

        @Override public int buffers(int n, float value) { return layout.buffers(node.name(), n, value); }

        @Override public int cache(int n) { return layout.acts(n); }
    }
}
