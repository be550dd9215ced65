package io.sparkcnn.model.layers;

import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.PoolGeom;
import io.sparkcnn.model.graph.Head;
import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.Node;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.losses.SigmoidBinaryCrossEntropy;
import io.sparkcnn.model.losses.SmoothL1;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.reference.NaiveActivation;
import io.sparkcnn.model.reference.NaiveAddConcat;
import io.sparkcnn.model.reference.NaiveBatchNorm;
import io.sparkcnn.model.reference.NaiveConv;
import io.sparkcnn.model.reference.NaiveConvTranspose;
import io.sparkcnn.model.reference.NaiveDense;
import io.sparkcnn.model.reference.NaiveDropout;
import io.sparkcnn.model.reference.NaiveLosses;
import io.sparkcnn.model.reference.NaivePool;
import io.sparkcnn.model.reference.NaiveUpsample;
import io.sparkcnn.model.tensor.Shape;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole network evaluated in double by composing the naive references, node by node, with
 * its loss: the ground truth for the float network's parameter gradients. Parameters are
 * read from one flat array in the order the layers reserve them (node order; weights before
 * bias, gamma before beta), which is the layout {@link io.sparkcnn.model.graph.Network} uses.
 * Training mode only; dropout masks are given per node by the test.
 */
final class ReferenceNetwork {
    private final NetworkSpec spec;
    private final int batch;
    private final Map<String, Shape> shapes;
    private final Map<String, double[]> dropoutMasks;

    ReferenceNetwork(NetworkSpec spec, int batch, Map<String, double[]> dropoutMasks) {
        this.spec = spec;
        this.batch = batch;
        this.shapes = spec.shapes();
        this.dropoutMasks = dropoutMasks;
    }

    /** The mean loss for these parameters, input and targets. */
    double loss(double[] params, double[] input, double[] targets) {
        return run(params, input, targets, null);
    }

    /** d loss / d params, laid out as params. */
    double[] gradient(double[] params, double[] input, double[] targets) {
        double[] grad = new double[params.length];
        run(params, input, targets, grad);
        return grad;
    }

    private double run(double[] params, double[] input, double[] targets, double[] paramGrad) {
        Map<String, double[]> out = new HashMap<>();
        Map<String, Integer> paramStart = new HashMap<>();
        out.put(NetworkSpec.INPUT, input);
        int at = 0;
        for (Node node : spec.nodes()) {
            paramStart.put(node.name(), at);
            at += (int) node.spec().paramCount(inputShapes(node));
            out.put(node.name(), forward(node, inputs(node, out), params, paramStart.get(node.name())));
        }
        if (at != params.length) throw new IllegalStateException("reference read " + at + " parameters of " + params.length);
        // every head's loss on its own block of targets (head after head), weighted and summed
        double total = 0;
        Map<String, double[]> grads = new HashMap<>();
        int targetAt = 0;
        for (Head head : spec.heads()) {
            Shape shape = shapes.get(head.node());
            int n = batch * head.loss().targetSize(shape);
            NaiveLosses.Result loss = loss(head.loss(), shape, out.get(head.node()), slice(targets, targetAt, n));
            targetAt += n;
            total += head.weight() * loss.loss();
            double[] g = loss.grad().clone();
            for (int i = 0; i < g.length; i++) g[i] *= head.weight();
            double[] prev = grads.get(head.node());
            grads.put(head.node(), prev == null ? g : NaiveAddConcat.add(prev, g));
        }
        if (targetAt != targets.length) throw new IllegalStateException("heads read " + targetAt + " targets of " + targets.length);
        if (paramGrad == null) return total;

        List<Node> nodes = spec.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            double[] dy = grads.get(node.name());
            if (dy == null) continue; // feeds nothing that reaches the loss
            double[][] dx = backward(node, inputs(node, out), out.get(node.name()), dy, params, paramStart.get(node.name()), paramGrad);
            for (int k = 0; k < dx.length; k++) {
                String src = node.inputs().get(k);
                if (src.equals(NetworkSpec.INPUT)) continue;
                double[] prev = grads.get(src);
                grads.put(src, prev == null ? dx[k] : NaiveAddConcat.add(prev, dx[k]));
            }
        }
        return total;
    }

    private List<Shape> inputShapes(Node node) {
        return node.inputs().stream().map(shapes::get).toList();
    }

    private static double[][] inputs(Node node, Map<String, double[]> out) {
        double[][] in = new double[node.inputs().size()][];
        for (int i = 0; i < in.length; i++) in[i] = out.get(node.inputs().get(i));
        return in;
    }

    private static double[] slice(double[] a, int off, int n) { return java.util.Arrays.copyOfRange(a, off, off + n); }

    private static void addInto(double[] dst, int off, double[] v) {
        for (int i = 0; i < v.length; i++) dst[off + i] += v[i];
    }

    private double[] forward(Node node, double[][] x, double[] p, int po) {
        Shape in = shapes.get(node.inputs().get(0));
        int n = batch;
        LayerSpec s = node.spec();
        if (s instanceof Conv c) {
            ConvGeom g = c.geom(n, in, true);
            return NaiveConv.forward(g, x[0], slice(p, po, g.weightCount()), c.bias() ? slice(p, po + g.weightCount(), c.filters()) : null);
        }
        if (s instanceof ConvTranspose c) {
            NaiveConvTranspose.Geom g = transposeGeom(c, n, in);
            return NaiveConvTranspose.forward(g, x[0], slice(p, po, g.weightCount()),
                    c.bias() ? slice(p, po + g.weightCount(), c.filters()) : null);
        }
        if (s instanceof Dense d) {
            int f = in.size();
            return NaiveDense.forward(n, f, d.units(), x[0], slice(p, po, f * d.units()), d.bias() ? slice(p, po + f * d.units(), d.units()) : null);
        }
        if (s instanceof Activate a) return NaiveActivation.forward(a.kind(), a.alpha(), x[0]);
        if (s instanceof Flatten) return x[0].clone();
        if (s instanceof Pool pool) return NaivePool.forward(pool.geom(n, in), x[0]).y();
        if (s instanceof GlobalAvgPool) return globalAverage(in, x[0]);
        if (s instanceof BatchNorm bn) {
            int c = in.channels();
            return NaiveBatchNorm.forwardTrain(n, c, in.spatialSize(), x[0], slice(p, po, c), slice(p, po + c, c), bn.eps()).y();
        }
        if (s instanceof Dropout) return NaiveDropout.forward(x[0], dropoutMasks.get(node.name()));
        if (s instanceof Add) return NaiveAddConcat.add(x);
        if (s instanceof Concat) return NaiveAddConcat.concat(n, in.spatialSize(), channels(node), x);
        if (s instanceof Upsample u) {
            return NaiveUpsample.forward(u.mode() == Upsample.Mode.BILINEAR, n * in.channels(), in.dim(1), in.dim(2),
                    u.scaleH(), u.scaleW(), x[0]);
        }
        throw new IllegalArgumentException("no reference for layer type " + s.type());
    }

    private double[][] backward(Node node, double[][] x, double[] y, double[] dy, double[] p, int po, double[] dp) {
        Shape in = shapes.get(node.inputs().get(0));
        int n = batch;
        LayerSpec s = node.spec();
        if (s instanceof Conv c) {
            ConvGeom g = c.geom(n, in, true);
            double[] w = slice(p, po, g.weightCount());
            addInto(dp, po, NaiveConv.backwardWeights(g, x[0], dy));
            if (c.bias()) addInto(dp, po + g.weightCount(), NaiveConv.biasGrad(g, dy));
            return new double[][]{NaiveConv.backwardData(g, dy, w)};
        }
        if (s instanceof ConvTranspose c) {
            NaiveConvTranspose.Geom g = transposeGeom(c, n, in);
            NaiveConvTranspose.Grads gr = NaiveConvTranspose.backward(g, x[0], slice(p, po, g.weightCount()), dy);
            addInto(dp, po, gr.dw());
            if (c.bias()) addInto(dp, po + g.weightCount(), gr.db());
            return new double[][]{gr.dx()};
        }
        if (s instanceof Dense d) {
            int f = in.size();
            addInto(dp, po, NaiveDense.backwardWeights(n, f, d.units(), x[0], dy));
            if (d.bias()) addInto(dp, po + f * d.units(), NaiveDense.biasGrad(n, d.units(), dy));
            return new double[][]{NaiveDense.backwardData(n, f, d.units(), dy, slice(p, po, f * d.units()))};
        }
        if (s instanceof Activate a) return new double[][]{NaiveActivation.backward(a.kind(), a.alpha(), x[0], dy)};
        if (s instanceof Flatten) return new double[][]{dy.clone()};
        if (s instanceof Pool pool) {
            PoolGeom g = pool.geom(n, in);
            return new double[][]{NaivePool.backward(g, dy, NaivePool.forward(g, x[0]).argmax())};
        }
        if (s instanceof GlobalAvgPool) {
            int sp = in.spatialSize();
            double[] dx = new double[x[0].length];
            for (int i = 0; i < dx.length; i++) dx[i] = dy[i / sp] / sp;
            return new double[][]{dx};
        }
        if (s instanceof BatchNorm bn) {
            int c = in.channels();
            NaiveBatchNorm.Grads g = NaiveBatchNorm.backward(n, c, in.spatialSize(), x[0], dy, slice(p, po, c), bn.eps());
            addInto(dp, po, g.dgamma());
            addInto(dp, po + c, g.dbeta());
            return new double[][]{g.dx()};
        }
        if (s instanceof Dropout) return new double[][]{NaiveDropout.backward(dy, dropoutMasks.get(node.name()))};
        if (s instanceof Add) {
            double[][] dx = new double[x.length][];
            for (int k = 0; k < x.length; k++) dx[k] = dy.clone();
            return dx;
        }
        if (s instanceof Concat) {
            int[] ch = channels(node);
            double[][] dx = new double[x.length][];
            for (int k = 0; k < x.length; k++) dx[k] = NaiveAddConcat.concatBackward(n, in.spatialSize(), ch, k, dy);
            return dx;
        }
        if (s instanceof Upsample u) {
            return new double[][]{NaiveUpsample.backward(u.mode() == Upsample.Mode.BILINEAR, n * in.channels(), in.dim(1),
                    in.dim(2), u.scaleH(), u.scaleW(), dy)};
        }
        throw new IllegalArgumentException("no reference for layer type " + s.type());
    }

    private int[] channels(Node node) {
        return node.inputs().stream().mapToInt(i -> shapes.get(i).channels()).toArray();
    }

    private double[] globalAverage(Shape in, double[] x) {
        int sp = in.spatialSize();
        double[] y = new double[x.length / sp];
        for (int i = 0; i < x.length; i++) y[i / sp] += x[i] / sp;
        return y;
    }

    static NaiveConvTranspose.Geom transposeGeom(ConvTranspose c, int batch, Shape in) {
        int[] size = {1, 1, 1}, k = {1, 1, 1}, st = {1, 1, 1}, pad = {0, 0, 0}, op = {0, 0, 0}, d = {1, 1, 1};
        for (int i = 0; i < c.dims(); i++) {
            int a = 3 - c.dims() + i;
            size[a] = in.dim(1 + i);
            k[a] = c.kernel()[i];
            st[a] = c.stride()[i];
            pad[a] = c.padding()[i];
            op[a] = c.outputPadding()[i];
            d[a] = c.dilation()[i];
        }
        return new NaiveConvTranspose.Geom(batch, in.channels(), c.filters(), c.groups(), size, k, st, pad, op, d);
    }

    private NaiveLosses.Result loss(LossSpec loss, Shape out, double[] y, double[] t) {
        if (loss instanceof SoftmaxCrossEntropy ce) {
            int[] labels = new int[t.length];
            for (int i = 0; i < t.length; i++) labels[i] = (int) t[i];
            double[] w = null;
            if (ce.classWeights() != null) {
                w = new double[ce.classWeights().length];
                for (int i = 0; i < w.length; i++) w[i] = ce.classWeights()[i];
            }
            return NaiveLosses.softmaxCrossEntropy(batch, out.channels(), out.spatialSize(), y, labels, w, ce.ignoreIndex());
        }
        if (loss instanceof MeanSquaredError) return NaiveLosses.meanSquaredError(y, t);
        if (loss instanceof SigmoidBinaryCrossEntropy) return NaiveLosses.sigmoidBinaryCrossEntropy(y, t);
        if (loss instanceof SmoothL1 l) return NaiveLosses.smoothL1(y, t, l.beta());
        throw new IllegalArgumentException("no reference for loss " + loss.type());
    }
}
