package io.sparkcnn.model.backend.cpu;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.OptimizerOps;
import io.sparkcnn.model.reference.NaiveOptimizers;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.sparkcnn.model.backend.cpu.CpuBatchNormOpTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * torch.optim semantics: the references against values worked out by hand from PyTorch's
 * update rules (p = 1, g = 0.5, then g = 0.5 or -0.25), then the CPU ops against the
 * references over several steps.
 */
class CpuOptimizerOpsTest {

    private static double[] two(double a, double b) { return new double[]{a, b}; }

    @Test
    void referencesMatchHandComputedPyTorchSteps() {
        // SGD lr 0.1 momentum 0.9 wd 0.01: g=0.51, buf=0.51, p=0.949; then g=0.50949, buf=0.96849, p=0.852151
        double[] p = {1}, buf = {0};
        NaiveOptimizers.sgd(p, new double[]{0.5}, buf, 1, 0.1, 0.9, 0, false, 0.01);
        assertEquals(0.949, p[0], 1e-12);
        NaiveOptimizers.sgd(p, new double[]{0.5}, buf, 2, 0.1, 0.9, 0, false, 0.01);
        assertEquals(0.852151, p[0], 1e-12);
        // Nesterov: g + 0.9 * buf = 0.969 -> 0.9031
        p = new double[]{1};
        NaiveOptimizers.sgd(p, new double[]{0.5}, new double[1], 1, 0.1, 0.9, 0, true, 0.01);
        assertEquals(0.9031, p[0], 1e-12);
        // dampening 0.5: buf = g on step 1 (0.95), then 0.9*0.5 + 0.5*0.5 = 0.7 -> 0.88
        p = new double[]{1};
        buf = new double[1];
        NaiveOptimizers.sgd(p, new double[]{0.5}, buf, 1, 0.1, 0.9, 0.5, false, 0);
        NaiveOptimizers.sgd(p, new double[]{0.5}, buf, 2, 0.1, 0.9, 0.5, false, 0);
        assertEquals(0.88, p[0], 1e-12);
        // AdaGrad lr 0.1 eps 1e-10: sum 0.25 then 0.5
        p = new double[]{1};
        double[] sum = {0};
        NaiveOptimizers.adagrad(p, new double[]{0.5}, sum, 0.1, 1e-10, 0);
        assertEquals(0.9, p[0], 1e-9);
        NaiveOptimizers.adagrad(p, new double[]{0.5}, sum, 0.1, 1e-10, 0);
        assertEquals(1 - 0.05 / (0.5 + 1e-10) - 0.05 / (Math.sqrt(0.5) + 1e-10), p[0], 1e-15);
        // RMSProp lr 0.01 alpha 0.99 momentum 0.9: sq=0.0025, u=10, p=0.9; sq=0.004975, buf=9+0.5/sqrt(sq)
        p = new double[]{1};
        double[] sq = {0};
        buf = new double[1];
        NaiveOptimizers.rmsprop(p, new double[]{0.5}, sq, buf, 0.01, 0.99, 1e-8, 0, 0.9);
        assertEquals(1 - 0.01 * 0.5 / (0.05 + 1e-8), p[0], 1e-15);
        NaiveOptimizers.rmsprop(p, new double[]{0.5}, sq, buf, 0.01, 0.99, 1e-8, 0, 0.9);
        assertEquals(0.7391119275494087, p[0], 1e-12);
        // Adam lr 0.1 (0.9, 0.999, 1e-8), grads 0.5 then -0.25; Adam with L2 0.1; AdamW with 0.1
        double[][] expected = {{0.9000000019999999, 0.8733662987078462}, {0.9000000016666666, 0.8544413674617625},
                {0.8900000019999998, 0.8544662986878462}};
        double[] wds = {0, 0.1, 0.1};
        boolean[] decoupled = {false, false, true};
        for (int k = 0; k < 3; k++) {
            p = new double[]{1};
            double[] m = {0}, v = {0};
            NaiveOptimizers.adam(p, new double[]{0.5}, m, v, 1, 0.1, 0.9, 0.999, 1e-8, wds[k], decoupled[k]);
            assertEquals(expected[k][0], p[0], 1e-12, "adam variant " + k + " step 1");
            NaiveOptimizers.adam(p, new double[]{-0.25}, m, v, 2, 0.1, 0.9, 0.999, 1e-8, wds[k], decoupled[k]);
            assertEquals(expected[k][1], p[0], 1e-12, "adam variant " + k + " step 2");
        }
    }

    /** Runs four steps of one rule on the CPU op and on the reference from the same random start. */
    private interface Rule {
        void cpu(OptimizerOps ops, int off, int n, int s1, int s2, int t);

        void reference(double[] p, double[] g, double[] s1, double[] s2, int t);
    }

    private static void check(String name, Rule rule) {
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        for (int threads : new int[]{1, 3}) {
            for (int n : new int[]{1, 13, 70_001}) {
                double[] p = CpuFixture.random(rng, n, -1, 1);
                double[] s1 = new double[n], s2 = new double[n];
                try (CpuFixture f = new CpuFixture(threads, 3 * n + 64)) {
                    int off = f.put(Arena.PARAMS, p);
                    int o1 = f.alloc(Arena.OPT, n), o2 = f.alloc(Arena.OPT, n);
                    for (int t = 1; t <= 4; t++) {
                        double[] g = CpuFixture.random(rng, n, -1, 1);
                        f.set(Arena.GRADS, off, g);
                        rule.cpu(f.backend.optimizer(), off, n, o1, o2, t);
                        rule.reference(p, g, s1, s2, t);
                    }
                    assertClose(p, f.get(Arena.PARAMS, off, n), 1e-5, name + " threads=" + threads + " n=" + n);
                }
            }
        }
    }

    @Test
    void sgdMatchesReference() {
        for (float damp : new float[]{0f, 0.3f}) {
            for (boolean nesterov : new boolean[]{false, true}) {
                if (nesterov && damp != 0f) continue;
                check("sgd damp=" + damp + " nesterov=" + nesterov, new Rule() {
                    public void cpu(OptimizerOps ops, int off, int n, int s1, int s2, int t) {
                        // the trainer's convention: dampening 0 on step 1 makes a zeroed buffer start as the gradient
                        ops.sgd(off, n, 0.05f, 0.9f, t == 1 ? 0f : damp, nesterov, 1e-3f, s1);
                    }

                    public void reference(double[] p, double[] g, double[] s1, double[] s2, int t) {
                        NaiveOptimizers.sgd(p, g, s1, t, 0.05f, 0.9f, damp, nesterov, 1e-3f);
                    }
                });
            }
        }
        check("sgd plain", new Rule() {
            public void cpu(OptimizerOps ops, int off, int n, int s1, int s2, int t) { ops.sgd(off, n, 0.05f, 0f, 0f, false, 0f, -1); }

            public void reference(double[] p, double[] g, double[] s1, double[] s2, int t) {
                NaiveOptimizers.sgd(p, g, s1, t, 0.05f, 0, 0, false, 0);
            }
        });
    }

    @Test
    void adagradMatchesReference() {
        check("adagrad", new Rule() {
            public void cpu(OptimizerOps ops, int off, int n, int s1, int s2, int t) { ops.adagrad(off, n, 0.05f, 1e-10f, 1e-2f, s1); }

            public void reference(double[] p, double[] g, double[] s1, double[] s2, int t) {
                NaiveOptimizers.adagrad(p, g, s1, 0.05f, 1e-10f, 1e-2f);
            }
        });
    }

    @Test
    void rmspropMatchesReference() {
        for (float momentum : new float[]{0f, 0.9f}) {
            check("rmsprop momentum=" + momentum, new Rule() {
                public void cpu(OptimizerOps ops, int off, int n, int s1, int s2, int t) {
                    ops.rmsprop(off, n, 0.01f, 0.99f, 1e-8f, 1e-3f, momentum, s1, momentum > 0 ? s2 : -1);
                }

                public void reference(double[] p, double[] g, double[] s1, double[] s2, int t) {
                    NaiveOptimizers.rmsprop(p, g, s1, s2, 0.01f, 0.99f, 1e-8f, 1e-3f, momentum);
                }
            });
        }
    }

    @Test
    void adamAndAdamWMatchReference() {
        for (boolean decoupled : new boolean[]{false, true}) {
            check("adam decoupled=" + decoupled, new Rule() {
                public void cpu(OptimizerOps ops, int off, int n, int s1, int s2, int t) {
                    ops.adam(off, n, 0.01f, 0.9f, 0.999f, 1e-8f, 0.05f, decoupled, t, s1, s2);
                }

                public void reference(double[] p, double[] g, double[] s1, double[] s2, int t) {
                    NaiveOptimizers.adam(p, g, s1, s2, t, 0.01f, 0.9f, 0.999f, 1e-8f, 0.05f, decoupled);
                }
            });
        }
    }
}
