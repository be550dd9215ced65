package io.sparkcnn.model.optim;

import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.train.TrainerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each optimizer over several steps against torch.optim's update rules written out in
 * double precision, with a different gradient and learning rate at every step.
 */
class OptimizerTest {
    private static final int STEPS = 6;

    /** The rule of one torch optimizer for one parameter, in double; state lives in the instance. */
    private interface Reference {
        double update(double p, double g, double lr, int t);
    }

    private static double grad(int i, int t) { return Math.sin(1.3 * i + 0.7 * t) * (1 + 0.1 * t); }

    private static double lr(double base, int t) { return base * (1 - 0.05 * t); }

    /** Runs opt for STEPS steps on n parameters and compares with a fresh reference per parameter. */
    private static void check(Optimizer opt, int n, double baseLr, java.util.function.Supplier<Reference> ref) {
        try (CpuBackend backend = new CpuBackend(2)) {
            Arenas a = new Arenas(n, 0, 4, opt.stateSlots() * n);
            backend.bind(a);
            double[] expected = new double[n];
            Reference[] refs = new Reference[n];
            for (int i = 0; i < n; i++) {
                expected[i] = Math.cos(0.5 * i);
                a.params()[i] = (float) expected[i];
                refs[i] = ref.get();
            }
            opt.initState(backend, n);
            for (int t = 1; t <= STEPS; t++) {
                float rate = (float) lr(baseLr, t);
                for (int i = 0; i < n; i++) {
                    a.grads()[i] = (float) grad(i, t);
                    expected[i] = refs[i].update(expected[i], (float) grad(i, t), rate, t);
                }
                opt.step(backend, n, rate, t);
                for (int i = 0; i < n; i++) {
                    assertEquals(expected[i], a.params()[i], 2e-5 * Math.max(1, Math.abs(expected[i])),
                            opt.name() + " parameter " + i + " after step " + t);
                }
            }
        }
    }

    private static Reference sgd(double momentum, double dampening, boolean nesterov, double wd) {
        return new Reference() {
            double buf;

            @Override
            public double update(double p, double g, double lr, int t) {
                g += wd * p;
                if (momentum != 0) {
                    buf = t == 1 ? g : momentum * buf + (1 - dampening) * g;
                    g = nesterov ? g + momentum * buf : buf;
                }
                return p - lr * g;
            }
        };
    }

    @Test
    void plainSgd() { check(Sgd.plain(), 37, 0.1, () -> sgd(0, 0, false, 0)); }

    @Test
    void sgdWithDampenedMomentumStartsTheBufferAtTheGradient() {
        check(new Sgd(0.9f, 0.3f, false, 0f), 37, 0.05, () -> sgd(0.9, 0.3, false, 0));
    }

    @Test
    void sgdNesterovWithWeightDecay() {
        check(new Sgd(0.9f, 0f, true, 1e-2f), 37, 0.05, () -> sgd(0.9, 0, true, 1e-2));
    }

    @Test
    void adagradWithLrDecayAndInitialAccumulator() {
        double lrDecay = 0.1, eps = 1e-10, wd = 0.01, init = 0.1;
        check(new AdaGrad((float) lrDecay, (float) eps, (float) wd, (float) init), 37, 0.1, () -> new Reference() {
            double sum = init;

            @Override
            public double update(double p, double g, double lr, int t) {
                double clr = lr / (1 + (t - 1) * lrDecay);
                g += wd * p;
                sum += g * g;
                return p - clr * g / (Math.sqrt(sum) + eps);
            }
        });
    }

    private static Reference rmsprop(double alpha, double eps, double wd, double momentum) {
        return new Reference() {
            double sq, buf;

            @Override
            public double update(double p, double g, double lr, int t) {
                g += wd * p;
                sq = alpha * sq + (1 - alpha) * g * g;
                double avg = Math.sqrt(sq) + eps;
                if (momentum > 0) {
                    buf = momentum * buf + g / avg;
                    return p - lr * buf;
                }
                return p - lr * g / avg;
            }
        };
    }

    @Test
    void rmspropWithoutMomentum() {
        check(RmsProp.defaults(), 37, 0.01, () -> rmsprop(0.99, 1e-8, 0, 0));
    }

    @Test
    void rmspropWithMomentumAndWeightDecay() {
        check(new RmsProp(0.9f, 1e-6f, 0.05f, 0.8f), 37, 0.01, () -> rmsprop(0.9, 1e-6, 0.05, 0.8));
    }

    private static Reference adam(double b1, double b2, double eps, double wd, boolean decoupled) {
        return new Reference() {
            double m, v;

            @Override
            public double update(double p, double g, double lr, int t) {
                if (decoupled) p *= 1 - lr * wd;
                else g += wd * p;
                m = b1 * m + (1 - b1) * g;
                v = b2 * v + (1 - b2) * g * g;
                double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
                return p - lr / bc1 * m / (Math.sqrt(v) / Math.sqrt(bc2) + eps);
            }
        };
    }

    @Test
    void adamWithL2WeightDecay() {
        check(new Adam(0.9f, 0.999f, 1e-8f, 0.1f, false), 37, 0.01, () -> adam(0.9, 0.999, 1e-8, 0.1, false));
    }

    @Test
    void adamWDecouplesWeightDecay() {
        check(new Adam(0.8f, 0.99f, 1e-6f, 0.1f, true), 37, 0.01, () -> adam(0.8, 0.99, 1e-6, 0.1, true));
    }

    @Test
    void adamOnEnoughParametersToSplitOverThreads() {
        // both moment slots (m at 0, v at paramCount) must line up with their parameters in every thread's slice
        check(Adam.adam(), 70_001, 0.01, () -> adam(0.9, 0.999, 1e-8, 0, false));
    }

    @Test
    void stateSlotsMatchTheBuffersEachRuleKeeps() {
        assertEquals(0, Sgd.plain().stateSlots());
        assertEquals(1, Sgd.momentum(0.9f).stateSlots());
        assertEquals(1, AdaGrad.defaults().stateSlots());
        assertEquals(1, RmsProp.defaults().stateSlots());
        assertEquals(2, new RmsProp(0.99f, 1e-8f, 0f, 0.9f).stateSlots());
        assertEquals(2, Adam.adam().stateSlots());
    }

    @Test
    void configRoundTripRecreatesEachOptimizer() {
        Optimizer[] all = {Sgd.plain(), new Sgd(0.9f, 0f, true, 5e-4f), new Sgd(0.5f, 0.1f, false, 0f),
                new AdaGrad(0.01f, 1e-10f, 0.001f, 0.1f), new RmsProp(0.9f, 1e-6f, 0.01f, 0.5f),
                Adam.adam(), Adam.adamW(), new Adam(0.85f, 0.995f, 1e-7f, 0.3f, true)};
        for (Optimizer o : all) {
            Map<String, Object> config = o.toConfig();
            assertEquals(o, Optimizer.fromConfig(config), "round trip of " + config);
        }
        assertEquals(0.9, new Sgd(0.9f, 0f, false, 0f).toConfig().get("momentum"), "configs hold readable decimals");
    }

    @Test
    void invalidSettingsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(0f, 0f, true, 0f));
        assertTrue(e.getMessage().contains("nesterov"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.fromMap(Map.of("optimizer", "adam", "beta1", 1.0)));
        assertTrue(e.getMessage().contains("beta1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.fromMap(Map.of("optimizer", "lbfgs")));
        assertTrue(e.getMessage().contains("lbfgs") && e.getMessage().contains("optimizer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(1.5f, 1e-8f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new AdaGrad(-1f, 1e-10f, 0f, 0f));
    }
}
