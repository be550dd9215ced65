package io.sparkcnn.jobs.ml;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The columns transform appends, as Spark ML classifiers name them: prediction (double, the
 * most probable class), rawPrediction (ML Vector of the logits), probability (ML Vector, their
 * softmax), and with topK > 0 the k most probable classes (array of double, best first) and
 * their probabilities. A column whose name is empty is not written.
 */
record ScoredColumns(String prediction, String rawPrediction, String probability, int topK, String topClasses,
                     String topProbabilities) implements Serializable {

    /** The input schema with the columns appended; a name that is already a column is refused. */
    StructType appendTo(StructType schema) {
        StructType out = schema;
        for (String c : names()) {
            if (Arrays.asList(schema.fieldNames()).contains(c)) {
                throw new IllegalArgumentException("output column '" + c + "' already exists in the DataFrame");
            }
        }
        if (!prediction.isEmpty()) out = out.add(prediction, DataTypes.DoubleType, false);
        if (!rawPrediction.isEmpty()) out = out.add(rawPrediction, SQLDataTypes.VectorType(), false);
        if (!probability.isEmpty()) out = out.add(probability, SQLDataTypes.VectorType(), false);
        if (topK > 0 && !topClasses.isEmpty()) out = out.add(topClasses, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        if (topK > 0 && !topProbabilities.isEmpty()) {
            out = out.add(topProbabilities, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        }
        return out;
    }

    private List<String> names() {
        return java.util.stream.Stream.of(prediction, rawPrediction, probability, topK > 0 ? topClasses : "",
                topK > 0 ? topProbabilities : "").filter(s -> !s.isEmpty()).toList();
    }

    /** How many values {@link #values} appends. */
    int count() { return appendTo(new StructType()).size(); }

    /**
     * The appended values of one example from its logits (classes floats at base): softmax in
     * double (max subtracted), ties broken towards the lower class.
     */
    void values(float[] logits, int base, int classes, Object[] out, int at) {
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int c = 0; c < classes; c++) {
            if (logits[base + c] > max) {
                max = logits[base + c];
                best = c;
            }
        }
        double[] raw = new double[classes], p = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            raw[c] = logits[base + c];
            sum += p[c] = Math.exp(raw[c] - max);
        }
        for (int c = 0; c < classes; c++) p[c] /= sum;
        if (!prediction.isEmpty()) out[at++] = (double) best;
        if (!rawPrediction.isEmpty()) out[at++] = Vectors.dense(raw);
        if (!probability.isEmpty()) out[at++] = Vectors.dense(p);
        if (topK > 0) {
            Integer[] order = new Integer[classes];
            for (int c = 0; c < classes; c++) order[c] = c;
            Arrays.sort(order, (x, y) -> p[y] != p[x] ? Double.compare(p[y], p[x]) : Integer.compare(x, y));
            int k = Math.min(topK, classes);
            Double[] top = new Double[k], scores = new Double[k];
            for (int j = 0; j < k; j++) {
                top[j] = (double) order[j];
                scores[j] = p[order[j]];
            }
            if (!topClasses.isEmpty()) out[at++] = top;
            if (!topProbabilities.isEmpty()) out[at] = scores;
        }
    }
}
