package io.sparkcnn.jobs.eval;

import io.sparkcnn.model.train.Evaluation;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's {@link Evaluation} as primitive arrays, to travel from executors; merged in partition order.
 *
 * @param device where the partition was scored: executor, backend and device
 */
public record EvalCounts(int partition, long count, long correct, long top5Correct, double lossSum, int classes,
                         long[] confusion, String device) implements Serializable {

    public static EvalCounts of(int partition, Evaluation e, String device) {
        int c = e.confusion().length;
        long[] flat = new long[c * c];
        for (int i = 0; i < c; i++) System.arraycopy(e.confusion()[i], 0, flat, i * c, c);
        return new EvalCounts(partition, e.count(), e.correct(), e.top5Correct(), e.lossSum(), c, flat, device);
    }

    public Evaluation toEvaluation() {
        long[][] m = new long[classes][classes];
        for (int i = 0; i < classes; i++) System.arraycopy(confusion, i * classes, m[i], 0, classes);
        return new Evaluation(count, correct, top5Correct, lossSum, m);
    }

    /** Merges in ascending partition order, so the loss sum is the same on every run. */
    public static Evaluation merge(List<EvalCounts> parts, int classes) {
        Evaluation total = Evaluation.empty(classes);
        for (EvalCounts p : parts.stream().sorted(java.util.Comparator.comparingInt(EvalCounts::partition)).toList()) {
            total = total.merge(p.toEvaluation());
        }
        return total;
    }

    /** The JSON written beside the checkpoint: top-1, top-5, mean loss and the confusion matrix [true][predicted]. */
    public static Map<String, Object> report(Evaluation e, String split, String checkpoint, Map<Integer, String> classNames) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint", checkpoint);
        m.put("split", split);
        m.put("examples", e.count());
        m.put("top1", e.accuracy());
        m.put("top5", e.top5Accuracy());
        m.put("meanLoss", e.meanLoss());
        if (classNames != null) m.put("classNames", classNames);
        m.put("confusion", e.confusion());
        return m;
    }
}
