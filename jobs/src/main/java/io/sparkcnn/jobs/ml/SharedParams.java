package io.sparkcnn.jobs.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The params {@link CnnClassifier} and {@link CnnClassificationModel} share, made with one name,
 * doc and default each; fit copies their values into the model (Params.copyValues, by name).
 */
final class SharedParams {
    private SharedParams() {}

    static Param<String> imageCol(Params p) {
        return new Param<>(p, "imageCol", "image column: Spark's image struct (spark.read.format(\"image\")), binary"
                + " encoded PNG/JPEG bytes (binaryFile's content) or a shard table's image column");
    }

    static Param<String> predictionCol(Params p) {
        return new Param<>(p, "predictionCol", "prediction column (double: the most probable class); empty: not written");
    }

    static Param<String> rawPredictionCol(Params p) {
        return new Param<>(p, "rawPredictionCol", "raw prediction column (ML Vector of the network's logits); empty: not written");
    }

    static Param<String> probabilityCol(Params p) {
        return new Param<>(p, "probabilityCol", "probability column (ML Vector: the softmax of the logits); empty: not written");
    }

    static IntParam topK(Params p) {
        return new IntParam(p, "topK", "classes written best first in topClassesCol and topProbabilitiesCol (>= 0; 0: none)",
                ParamValidators.gtEq(0));
    }

    static Param<String> topClassesCol(Params p) {
        return new Param<>(p, "topClassesCol", "column of the topK most probable classes (array of double, best first)");
    }

    static Param<String> topProbabilitiesCol(Params p) {
        return new Param<>(p, "topProbabilitiesCol", "column of the probabilities of topClassesCol (array of double)");
    }

    static IntParam inferenceBatchSize(Params p) {
        return new IntParam(p, "inferenceBatchSize", "examples per forward pass in transform (> 0)", ParamValidators.gt(0));
    }

    static Param<String> backend(Params p) {
        return new Param<>(p, "backend", "compute backend on the executors (backend.kind): auto, opencl or cpu",
                ParamValidators.inArray(new String[] {"auto", "opencl", "cpu"}));
    }

    /** The defaults of the shared params, set on p (the values Spark ML's own classifiers use for the columns). */
    static void setDefaults(Params p, Param<String> imageCol, Param<String> prediction, Param<String> raw,
                            Param<String> probability, IntParam topK, Param<String> topClasses, Param<String> topProbabilities,
                            IntParam batch, Param<String> backend) {
        p.setDefault(imageCol, "image");
        p.setDefault(prediction, "prediction");
        p.setDefault(raw, "rawPrediction");
        p.setDefault(probability, "probability");
        p.setDefault(topK, 0);
        p.setDefault(topClasses, "topClasses");
        p.setDefault(topProbabilities, "topProbabilities");
        p.setDefault(batch, 64);
        p.setDefault(backend, "auto");
    }
}
