package io.sparkcnn.model.train;

import io.sparkcnn.model.optim.AdaGrad;
import io.sparkcnn.model.optim.Adam;
import io.sparkcnn.model.optim.Constant;
import io.sparkcnn.model.optim.Cosine;
import io.sparkcnn.model.optim.GradientClipping;
import io.sparkcnn.model.optim.LinearWarmup;
import io.sparkcnn.model.optim.LrSchedule;
import io.sparkcnn.model.optim.MultiStep;
import io.sparkcnn.model.optim.Optimizer;
import io.sparkcnn.model.optim.Polynomial;
import io.sparkcnn.model.optim.RmsProp;
import io.sparkcnn.model.optim.Sgd;
import io.sparkcnn.model.optim.StepDecay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every training hyperparameter by name, with a default and a description ({@link #SETTINGS}).
 * The names are the config keys: the Spark job's config and the command-line flags reuse
 * them, and {@link #fromMap}/{@link #toMap} convert both ways. Schedule lengths count
 * optimizer updates (global steps), not epochs. A config that exists is valid: the
 * optimizer and schedule it names are built once in the constructor to check them.
 */
public record TrainerConfig(
        String optimizer, double learningRate, double momentum, double dampening, boolean nesterov,
        double weightDecay, double beta1, double beta2, double epsilon, double rmsAlpha,
        double adagradLrDecay, double adagradInitialAccumulator,
        String schedule, long totalSteps, long decaySteps, double decayRate, List<Long> milestones,
        double minLearningRate, double polyPower, long warmupSteps, double warmupStartFactor,
        double clipNorm, int batchSize, int epochs, long seed) {

    /** One named setting: its default and what it does. */
    public record Setting(String name, Object defaultValue, String description) {}

    public static final List<Setting> SETTINGS = List.of(
            new Setting("optimizer", "sgd", "update rule: sgd, adagrad, rmsprop, adam or adamw (torch.optim semantics)"),
            new Setting("learningRate", 0.01, "base learning rate; the schedule scales it"),
            new Setting("momentum", 0.0, "momentum of sgd and rmsprop (0: none)"),
            new Setting("dampening", 0.0, "sgd: dampening of the momentum buffer"),
            new Setting("nesterov", false, "sgd: Nesterov momentum (needs momentum > 0 and dampening 0)"),
            new Setting("weightDecay", 0.0, "L2 penalty added to the gradient; for adamw the decoupled decay rate"),
            new Setting("beta1", 0.9, "adam/adamw: decay of the first moment"),
            new Setting("beta2", 0.999, "adam/adamw: decay of the second moment"),
            new Setting("epsilon", 1e-8, "adam, adamw, rmsprop, adagrad: added to the denominator (torch's adagrad uses 1e-10)"),
            new Setting("rmsAlpha", 0.99, "rmsprop: decay of the squared-gradient average"),
            new Setting("adagradLrDecay", 0.0, "adagrad: lr / (1 + (t - 1) * adagradLrDecay)"),
            new Setting("adagradInitialAccumulator", 0.0, "adagrad: starting value of the sum of squares"),
            new Setting("schedule", "constant", "learning-rate schedule: constant, step, multistep, cosine or polynomial"),
            new Setting("totalSteps", 0L, "cosine, polynomial: optimizer steps over which the rate decays"),
            new Setting("decaySteps", 0L, "step: the rate is multiplied by decayRate every decaySteps steps"),
            new Setting("decayRate", 0.1, "step, multistep: the factor applied at each decay"),
            new Setting("milestones", List.of(), "multistep: the steps at which the rate is multiplied by decayRate"),
            new Setting("minLearningRate", 0.0, "cosine, polynomial: the rate reached at totalSteps"),
            new Setting("polyPower", 1.0, "polynomial: the exponent of the decay"),
            new Setting("warmupSteps", 0L, "linear warmup of the scheduled rate over this many steps (0: none)"),
            new Setting("warmupStartFactor", 0.1, "the fraction of the scheduled rate used at step 0 of the warmup"),
            new Setting("clipNorm", 0.0, "clip the global gradient norm to this value (0: no clipping)"),
            new Setting("batchSize", 64, "examples per minibatch (per worker in the Spark job)"),
            new Setting("epochs", 10, "passes over the training data"),
            new Setting("seed", 42L, "seeds parameter initialisation, dropout and shuffling"));

    /** Assigns every field first, then checks: building the optimizer and schedule validates their settings. */
    public TrainerConfig(String optimizer, double learningRate, double momentum, double dampening, boolean nesterov, double weightDecay, double beta1, double beta2, double epsilon, double rmsAlpha, double adagradLrDecay, double adagradInitialAccumulator, String schedule, long totalSteps, long decaySteps, double decayRate, List<Long> milestones, double minLearningRate, double polyPower, long warmupSteps, double warmupStartFactor, double clipNorm, int batchSize, int epochs, long seed) {
        this.optimizer = optimizer;
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.rmsAlpha = rmsAlpha;
        this.adagradLrDecay = adagradLrDecay;
        this.adagradInitialAccumulator = adagradInitialAccumulator;
        this.schedule = schedule;
        this.totalSteps = totalSteps;
        this.decaySteps = decaySteps;
        this.decayRate = decayRate;
        this.minLearningRate = minLearningRate;
        this.polyPower = polyPower;
        this.warmupSteps = warmupSteps;
        this.warmupStartFactor = warmupStartFactor;
        this.clipNorm = clipNorm;
        this.batchSize = batchSize;
        this.epochs = epochs;
        this.seed = seed;
        if (optimizer == null) throw invalid("optimizer", "is missing");
        if (schedule == null) throw invalid("schedule", "is missing");
        if (milestones == null) throw invalid("milestones", "is missing (use an empty list)");
        this.milestones = List.copyOf(milestones);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw invalid("learningRate", "must be positive and finite, got " + learningRate);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) throw invalid("clipNorm", "must be >= 0 and finite, got " + clipNorm);
        if (batchSize <= 0) throw invalid("batchSize", "must be positive, got " + batchSize);
        if (epochs <= 0) throw invalid("epochs", "must be positive, got " + epochs);
        if (warmupSteps < 0) throw invalid("warmupSteps", "must be >= 0, got " + warmupSteps);
        try {
            newOptimizer();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("optimizer '" + optimizer + "': " + e.getMessage(), e);
        }
        try {
            newLrSchedule();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule '" + schedule + "': " + e.getMessage(), e);
        }
    }

    /** Every setting at its default. */
    public static TrainerConfig defaults() { return fromMap(Map.of()); }

    /** A copy with one setting changed (by its config name). */
    public TrainerConfig with(String name, Object value) {
        Map<String, Object> m = toMap();
        if (!m.containsKey(name)) throw new IllegalArgumentException("unknown training setting '" + name + "'; known: " + m.keySet());
        m.put(name, value);
        return fromMap(m);
    }

    /**
     * Reads the settings this class names from a config map (numbers, booleans, strings or
     * lists, as HOCON, JSON or command-line strings give them); absent ones take their
     * default. Other keys are left to the caller (a job config holds more than these).
     */
    public static TrainerConfig fromMap(Map<String, ?> m) {
        SettingReader r = new SettingReader(m);
        return new TrainerConfig(
                r.string("optimizer"), r.dbl("learningRate"), r.dbl("momentum"), r.dbl("dampening"), r.bool("nesterov"),
                r.dbl("weightDecay"), r.dbl("beta1"), r.dbl("beta2"), r.dbl("epsilon"), r.dbl("rmsAlpha"),
                r.dbl("adagradLrDecay"), r.dbl("adagradInitialAccumulator"),
                r.string("schedule"), r.lng("totalSteps"), r.lng("decaySteps"), r.dbl("decayRate"), r.longs("milestones"),
                r.dbl("minLearningRate"), r.dbl("polyPower"), r.lng("warmupSteps"), r.dbl("warmupStartFactor"),
                r.dbl("clipNorm"), r.integer("batchSize"), r.integer("epochs"), r.lng("seed"));
    }

    /** All settings by name, in {@link #SETTINGS} order. */
    public Map<String, Object> toMap() {
        Object[] values = {optimizer, learningRate, momentum, dampening, nesterov, weightDecay, beta1, beta2, epsilon,
                rmsAlpha, adagradLrDecay, adagradInitialAccumulator, schedule, totalSteps, decaySteps, decayRate,
                milestones, minLearningRate, polyPower, warmupSteps, warmupStartFactor, clipNorm, batchSize, epochs, seed};
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) m.put(SETTINGS.get(i).name(), values[i]);
        return m;
    }

    /** The names this class reads. */
    public static List<String> names() {
        List<String> n = new ArrayList<>();
        for (Setting s : SETTINGS) n.add(s.name());
        return n;
    }

    /** A new optimizer of the configured type and settings. */
    public Optimizer newOptimizer() {
        return switch (optimizer) {
            case "sgd" -> new Sgd((float) momentum, (float) dampening, nesterov, (float) weightDecay);
            case "adagrad" -> new AdaGrad((float) adagradLrDecay, (float) epsilon, (float) weightDecay,
                    (float) adagradInitialAccumulator);
            case "rmsprop" -> new RmsProp((float) rmsAlpha, (float) epsilon, (float) weightDecay, (float) momentum);
            case "adam" -> new Adam((float) beta1, (float) beta2, (float) epsilon, (float) weightDecay, false);
            case "adamw" -> new Adam((float) beta1, (float) beta2, (float) epsilon, (float) weightDecay, true);
            default -> throw invalid("optimizer", "unknown optimizer '" + optimizer + "'; known: sgd, adagrad, rmsprop, adam, adamw");
        };
    }

    /** The configured schedule, wrapped in a linear warmup when warmupSteps &gt; 0. */
    public LrSchedule newLrSchedule() {
        LrSchedule s = switch (schedule) {
            case "constant" -> new Constant();
            case "step" -> new StepDecay(decaySteps, decayRate);
            case "multistep" -> {
                long[] ms = new long[milestones.size()];
                for (int i = 0; i < ms.length; i++) ms[i] = milestones.get(i);
                yield new MultiStep(ms, decayRate);
            }
            case "cosine" -> new Cosine(totalSteps, minLearningRate);
            case "polynomial" -> new Polynomial(totalSteps, polyPower, minLearningRate);
            default -> throw invalid("schedule", "unknown schedule '" + schedule
                    + "'; known: constant, step, multistep, cosine, polynomial");
        };
        return warmupSteps > 0 ? new LinearWarmup(warmupSteps, warmupStartFactor, s) : s;
    }

    /** Clipping by global norm, or null when clipNorm is 0. */
    public GradientClipping newClipping() {
        return clipNorm > 0 ? new GradientClipping((float) clipNorm) : null;
    }

    /** "name (default d): description" lines, for --help. */
    public static String describe() {
        StringBuilder b = new StringBuilder();
        for (Setting s : SETTINGS) {
            b.append(String.format("  %-26s %s (default: %s)%n", s.name(), s.description(), s.defaultValue()));
        }
        return b.toString();
    }

    private static IllegalArgumentException invalid(String name, String message) {
        return new IllegalArgumentException("setting '" + name + "' " + message);
    }

    /** Typed reads of one map with each setting's default, naming the setting when a value does not parse. */
    private static final class SettingReader {
        private final Map<String, ?> m;

        SettingReader(Map<String, ?> m) { this.m = m; }

        private Object raw(String name) {
            Object v = m.get(name);
            if (v != null) return v;
            for (Setting s : SETTINGS) if (s.name().equals(name)) return s.defaultValue();
            throw new IllegalStateException("no setting named " + name);
        }

        String string(String name) { return raw(name).toString().trim(); }

        double dbl(String name) {
            Object v = raw(name);
            if (v instanceof Number n) return n.doubleValue();
            try {
                return Double.parseDouble(v.toString().trim());
            } catch (NumberFormatException e) {
                throw invalid(name, "expects a number, got '" + v + "'");
            }
        }

        long lng(String name) {
            Object v = raw(name);
            if (v instanceof Long || v instanceof Integer || v instanceof Short) return ((Number) v).longValue();
            if (v instanceof Number n) {
                double d = n.doubleValue();
                if (d != Math.rint(d) || Math.abs(d) > 9.0e15) throw invalid(name, "expects a whole number, got " + v);
                return (long) d;
            }
            try {
                return Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw invalid(name, "expects a whole number, got '" + v + "'");
            }
        }

        int integer(String name) {
            long v = lng(name);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw invalid(name, "is out of range: " + v);
            return (int) v;
        }

        boolean bool(String name) {
            Object v = raw(name);
            if (v instanceof Boolean b) return b;
            String s = v.toString().trim();
            if (s.equalsIgnoreCase("true")) return true;
            if (s.equalsIgnoreCase("false")) return false;
            throw invalid(name, "expects true or false, got '" + v + "'");
        }

        /** A list of whole numbers, or a comma-separated string of them ("" is the empty list). */
        List<Long> longs(String name) {
            Object v = raw(name);
            List<Object> items = new ArrayList<>();
            if (v instanceof List<?> l) {
                items.addAll(l);
            } else {
                for (String part : v.toString().split(",")) if (!part.isBlank()) items.add(part.trim());
            }
            List<Long> out = new ArrayList<>();
            for (Object o : items) {
                try {
                    out.add(o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                            ? n.longValue() : Long.parseLong(o.toString().trim()));
                } catch (NumberFormatException e) {
                    throw invalid(name, "expects whole numbers, got '" + o + "'");
                }
            }
            return out;
        }
    }
}
