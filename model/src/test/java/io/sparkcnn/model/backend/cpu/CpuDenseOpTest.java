package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.DenseOp;
import io.sparkcnn.model.reference.FiniteDifference;
import io.sparkcnn.model.reference.NaiveDense;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float CPU dense op against {@link NaiveDense}; backward passes add into non-zero gradients. */
class CpuDenseOpTest {

    @ParameterizedTest(name = "batch {0}, {1} -> {2}, bias {3}")
    @CsvSource({"1, 1, 1, true", "3, 5, 4, true", "7, 33, 10, false", "64, 400, 120, true", "5, 2, 300, false"})
    void matchesNaiveReference(int batch, int in, int out, boolean bias) {
        int pad = 7;
        int x = pad, y = x + batch * in, dy = y + batch * out, dx = dy + batch * out;
        int w = pad, b = w + in * out;
        Arenas arenas = new Arenas(b + out, 0, dx + batch * in, 0);
        Random rnd = new Random(batch * 31L + in * 7L + out);
        fill(arenas.acts(), rnd);
        fill(arenas.params(), rnd);
        fill(arenas.grads(), rnd);
        try (CpuBackend backend = new CpuBackend(2)) {
            backend.bind(arenas);
            DenseOp op = backend.dense(batch, in, out);
            double[] xs = read(arenas.acts(), x, batch * in), ws = read(arenas.params(), w, in * out);
            double[] bs = bias ? read(arenas.params(), b, out) : null, dys = read(arenas.acts(), dy, batch * out);

            op.forward(x, w, bias ? b : -1, y);
            check("forward", NaiveDense.forward(batch, in, out, xs, ws, bs), read(arenas.acts(), y, batch * out));

            double[] dxExpected = plus(read(arenas.acts(), dx, batch * in), NaiveDense.backwardData(batch, in, out, dys, ws));
            op.backwardData(dy, w, dx);
            check("backwardData", dxExpected, read(arenas.acts(), dx, batch * in));

            double[] dwExpected = plus(read(arenas.grads(), w, in * out), NaiveDense.backwardWeights(batch, in, out, xs, dys));
            double[] dbBefore = read(arenas.grads(), b, out);
            double[] dbExpected = bias ? plus(dbBefore, NaiveDense.biasGrad(batch, out, dys)) : dbBefore;
            op.backwardWeights(x, dy, w, bias ? b : -1);
            check("backwardWeights dw", dwExpected, read(arenas.grads(), w, in * out));
            check("backwardWeights db", dbExpected, read(arenas.grads(), b, out));
        }
    }

    private static void check(String what, double[] expected, double[] actual) {
        double err = FiniteDifference.maxRelativeError(expected, actual);
        assertTrue(err <= 1e-4, what + ": max relative error " + err);
    }

    private static double[] plus(double[] a, double[] b) {
        double[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] += b[i];
        return r;
    }

    private static void fill(float[] a, Random rnd) {
        for (int i = 0; i < a.length; i++) a[i] = rnd.nextFloat() * 2 - 1;
    }

    private static double[] read(float[] a, int off, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = a[off + i];
        return v;
    }
}
