package io.sparkcnn.model.export.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.graph.Head;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.ParameterLayout;
import io.sparkcnn.model.losses.SigmoidBinaryCrossEntropy;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a network in the engine (eval mode, random input, random parameters and non-trivial
 * batch-norm statistics) and its ONNX export in ONNX Runtime, and compares every output.
 */
final class OnnxRuntimeCheck {
    static final double TOLERANCE = 1e-4;

    private OnnxRuntimeCheck() {}

    /** The engine's outputs by ONNX output name: each head's logits and, for softmax/sigmoid losses, its probabilities. */
    record Run(byte[] model, float[] input, Map<String, float[]> expected, int batch) {}

    static Run engine(NetworkSpec spec, int batch, long seed) {
        try (Network net = Network.build(spec, batch, new CpuBackend(2), 0)) {
            net.initParams(seed);
            SplittableRandom r = new SplittableRandom(seed + 1);
            randomizeBatchNorm(net, r);
            float[] x = new float[batch * net.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            net.setInput(x, 0);
            net.forward(false);
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Head h : spec.heads()) {
                float[] y = new float[net.nodeLength(h.node())];
                net.readActivation(h.node(), y);
                out.put(h.node(), y);
                if (h.loss() instanceof SoftmaxCrossEntropy) out.put(h.node() + ".probabilities", softmax(y, batch, net.shape(h.node())));
                if (h.loss() instanceof SigmoidBinaryCrossEntropy) out.put(h.node() + ".probabilities", sigmoid(y));
            }
            byte[] model = OnnxExport.export(spec, net.params().clone(), net.buffers().clone(), Map.of()).toByteArray();
            return new Run(model, x, out, batch);
        }
    }

    /** gamma in [0.5, 1.5], beta, running mean N(0, 0.3), running variance in [0.5, 2]: not the identity initialisation. */
    static void randomizeBatchNorm(Network net, SplittableRandom r) {
        float[] p = net.params().clone(), b = net.buffers().clone();
        for (ParameterLayout.Layer l : net.parameterLayout().layers()) {
            if (!l.type().equals("batchnorm")) continue;
            fill(p, l.params().get(0), () -> 0.5 + r.nextDouble());
            fill(p, l.params().get(1), () -> 0.3 * r.nextGaussian());
            fill(b, l.buffers().get(0), () -> 0.3 * r.nextGaussian());
            fill(b, l.buffers().get(1), () -> 0.5 + 1.5 * r.nextDouble());
        }
        net.setParams(p);
        net.setBuffers(b);
    }

    private static void fill(float[] a, ParameterLayout.Region reg, java.util.function.DoubleSupplier v) {
        for (int i = 0; i < reg.length(); i++) a[reg.offset() + i] = (float) v.getAsDouble();
    }

    /** ONNX Runtime's outputs for the first `batch` examples of the input. */
    static Map<String, float[]> onnxRuntime(Run run, Shape input, int batch) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(2);
            try (OrtSession s = env.createSession(run.model(), o)) {
                long[] shape = new long[input.rank() + 1];
                shape[0] = batch;
                for (int i = 0; i < input.rank(); i++) shape[i + 1] = input.dim(i);
                FloatBuffer x = FloatBuffer.wrap(run.input(), 0, batch * input.size());
                Map<String, float[]> out = new LinkedHashMap<>();
                try (OnnxTensor t = OnnxTensor.createTensor(env, x, shape); OrtSession.Result res = s.run(Map.of("input", t))) {
                    for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : res) {
                        OnnxTensor v = (OnnxTensor) e.getValue();
                        assertEquals(batch, v.getInfo().getShape()[0], e.getKey() + ": batch axis");
                        FloatBuffer f = v.getFloatBuffer();
                        float[] a = new float[f.remaining()];
                        f.get(a);
                        out.put(e.getKey(), a);
                    }
                }
                return out;
            }
        }
    }

    /** Every engine output equals ONNX Runtime's within TOLERANCE (max abs); returns the largest difference. */
    static double assertSame(NetworkSpec spec, int batch, long seed) throws OrtException {
        Run run = engine(spec, batch, seed);
        Map<String, float[]> ort = onnxRuntime(run, spec.input(), batch);
        assertEquals(run.expected().keySet(), ort.keySet(), spec.name() + ": outputs");
        double worst = 0, largest = 0;
        for (Map.Entry<String, float[]> e : run.expected().entrySet()) {
            float[] want = e.getValue(), got = ort.get(e.getKey());
            assertEquals(want.length, got.length, spec.name() + " " + e.getKey() + ": length");
            double d = maxAbsDiff(want, got), scale = maxAbs(want);
            assertTrue(d <= TOLERANCE, spec.name() + " " + e.getKey() + ": max |engine - onnxruntime| = " + d
                    + " (max |engine| " + scale + ")");
            assertTrue(scale > 1e-3, spec.name() + " " + e.getKey() + ": outputs all near zero, a weak comparison");
            worst = Math.max(worst, d);
            largest = Math.max(largest, scale);
        }
        System.out.printf("onnx export: %s batch %d, max |engine - onnxruntime| %.3g, max |engine| %.3g%n", spec.name(),
                batch, worst, largest);
        return worst;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs((double) a[i] - b[i]));
        return d;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    static void assertPrefix(float[] whole, float[] prefix, String what) {
        float[] head = java.util.Arrays.copyOf(whole, prefix.length);
        assertArrayEquals(head, prefix, (float) TOLERANCE, what);
    }

    /** Softmax over the channel axis of (batch, C, spatial...), in double. */
    static float[] softmax(float[] y, int batch, Shape shape) {
        int c = shape.channels(), s = shape.size() / c;
        float[] p = new float[y.length];
        for (int n = 0; n < batch; n++) {
            for (int i = 0; i < s; i++) {
                int base = n * c * s + i;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < c; k++) max = Math.max(max, y[base + k * s]);
                for (int k = 0; k < c; k++) sum += Math.exp(y[base + k * s] - max);
                for (int k = 0; k < c; k++) p[base + k * s] = (float) (Math.exp(y[base + k * s] - max) / sum);
            }
        }
        return p;
    }

    private static float[] sigmoid(float[] y) {
        float[] p = new float[y.length];
        for (int i = 0; i < y.length; i++) p[i] = (float) (1 / (1 + Math.exp(-y[i])));
        return p;
    }
}
