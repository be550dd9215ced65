package io.sparkcnn.model.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CpuBatchNormOp}'s loops over one channel on the JDK's Vector API. Its scalar loops read and
 * write one arena at two offsets, which C2 does not vectorise (docs/benchmarks.md). Each row of S
 * values sums in the lanes of one vector, and rows add up in double, as the scalar loops' four float
 * lanes do. Only loaded where {@link VectorApi#available()}.
 */
final class BatchNormVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private BatchNormVectors() {}

    /** out[at] = sum of (x - shift), out[at + 1] = sum of (x - shift)^2, over n rows of s floats from base, stride apart. */
    static void centredSums(float[] a, int base, int n, int s, int stride, float shift, double[] out, int at) {
        FloatVector shiftV = FloatVector.broadcast(S, shift);
        int bound = S.loopBound(s);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            int row = base + i * stride, j = 0;
            FloatVector sumV = FloatVector.zero(S), sqV = FloatVector.zero(S);
            for (; j < bound; j += V) {
                FloatVector d = FloatVector.fromArray(S, a, row + j).sub(shiftV);
                sumV = sumV.add(d);
                sqV = d.fma(d, sqV);
            }
            float tail = 0f, tailSq = 0f;
            for (; j < s; j++) {
                float d = a[row + j] - shift;
                tail += d;
                tailSq += d * d;
            }
            sum += (double) sumV.reduceLanes(VectorOperators.ADD) + tail;
            sumSq += (double) sqV.reduceLanes(VectorOperators.ADD) + tailSq;
        }
        out[at] = sum;
        out[at + 1] = sumSq;
    }

    /** out[at] = sum of dy, out[at + 1] = sum of dy * (x - mean), over the channel's n rows. */
    static void gradientSums(float[] a, int x, int dy, int n, int s, int stride, float mean, double[] out, int at) {
        FloatVector meanV = FloatVector.broadcast(S, mean);
        int bound = S.loopBound(s);
        double sumDy = 0, sumCentred = 0;
        for (int i = 0; i < n; i++) {
            int xi = x + i * stride, di = dy + i * stride, j = 0;
            FloatVector dyV = FloatVector.zero(S), cenV = FloatVector.zero(S);
            for (; j < bound; j += V) {
                FloatVector e = FloatVector.fromArray(S, a, di + j);
                dyV = dyV.add(e);
                cenV = e.fma(FloatVector.fromArray(S, a, xi + j).sub(meanV), cenV);
            }
            float tail = 0f, tailCentred = 0f;
            for (; j < s; j++) {
                float e = a[di + j];
                tail += e;
                tailCentred += e * (a[xi + j] - mean);
            }
            sumDy += (double) dyV.reduceLanes(VectorOperators.ADD) + tail;
            sumCentred += (double) cenV.reduceLanes(VectorOperators.ADD) + tailCentred;
        }
        out[at] = sumDy;
        out[at + 1] = sumCentred;
    }

    /** y = x * scale + offset over the channel's n rows. */
    static void scaleShift(float[] a, int x, int y, int n, int s, int stride, float scale, float offset) {
        FloatVector scaleV = FloatVector.broadcast(S, scale), offsetV = FloatVector.broadcast(S, offset);
        int bound = S.loopBound(s);
        for (int i = 0; i < n; i++) {
            int xi = x + i * stride, yi = y + i * stride, j = 0;
            for (; j < bound; j += V) FloatVector.fromArray(S, a, xi + j).fma(scaleV, offsetV).intoArray(a, yi + j);
            for (; j < s; j++) a[yi + j] = a[xi + j] * scale + offset;
        }
    }

    /** dx += k * (dy - meanDy - (x - mean) * invStd * meanDyXhat) over the channel's n rows: training's backward. */
    static void addTrainingDx(float[] a, int x, int dy, int dx, int n, int s, int stride, float mean, float invStd, float k,
                              float meanDy, float meanDyXhat) {
        FloatVector meanV = FloatVector.broadcast(S, mean), invStdV = FloatVector.broadcast(S, invStd);
        FloatVector kV = FloatVector.broadcast(S, k), meanDyV = FloatVector.broadcast(S, meanDy);
        FloatVector meanDyXhatV = FloatVector.broadcast(S, meanDyXhat);
        int bound = S.loopBound(s);
        for (int i = 0; i < n; i++) {
            int xi = x + i * stride, di = dy + i * stride, oi = dx + i * stride, j = 0;
            for (; j < bound; j += V) {
                FloatVector xhat = FloatVector.fromArray(S, a, xi + j).sub(meanV).mul(invStdV);
                FloatVector g = FloatVector.fromArray(S, a, di + j).sub(meanDyV).sub(xhat.mul(meanDyXhatV));
                g.fma(kV, FloatVector.fromArray(S, a, oi + j)).intoArray(a, oi + j);
            }
            for (; j < s; j++) {
                float xhat = (a[xi + j] - mean) * invStd;
                a[oi + j] += k * (a[di + j] - meanDy - xhat * meanDyXhat);
            }
        }
    }

    /** dx += k * dy over the channel's n rows: evaluation mode's backward. */
    static void addScaled(float[] a, int dy, int dx, int n, int s, int stride, float k) {
        FloatVector kV = FloatVector.broadcast(S, k);
        int bound = S.loopBound(s);
        for (int i = 0; i < n; i++) {
            int di = dy + i * stride, oi = dx + i * stride, j = 0;
            for (; j < bound; j += V) FloatVector.fromArray(S, a, di + j).fma(kV, FloatVector.fromArray(S, a, oi + j)).intoArray(a, oi + j);
            for (; j < s; j++) a[oi + j] += k * a[di + j];
        }
    }
}
