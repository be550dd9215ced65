package io.sparkcnn.jobs.ml;

import io.sparkcnn.model.data.Manifest;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The Spark ML pair on a data-prep shard table (deploy/local/run-sparkml.sh runs it on
 * Fashion-MNIST): a Pipeline of a SQLTransformer (the shard columns, the label as a double) and
 * CnnClassifier (LeNet-5) fits on the train split, scores the test split, prints Spark ML's
 * MulticlassClassificationEvaluator accuracy, saves the PipelineModel under RUN_DIR, loads it back
 * and checks that the loaded one predicts the same. Arguments: SHARDS RUN_DIR [EPOCHS].
 */
public final class CnnClassifierExample {
    private CnnClassifierExample() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: CnnClassifierExample SHARDS RUN_DIR [EPOCHS]");
            System.exit(2);
        }
        String shards = args[0], runDir = args[1];
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        SparkSession spark = SparkSession.builder().appName("sparkcnn-sparkml-example").getOrCreate();
        try {
            Manifest manifest = manifest(spark, shards);
            Dataset<Row> train = split(spark, manifest, shards, "train"), test = split(spark, manifest, shards, "test");
            CnnClassifier cnn = new CnnClassifier().setRunDir(runDir).setNetwork("lenet5").setInputShape(new int[] {1, 28, 28})
                    .setNumClasses(10).setEpochs(epochs).setBatchSize(64).setLearningRate(0.002).setWorkers(2).setTopK(3)
                    .setInferenceBatchSize(250).setSettings(new String[] {"trainer.optimizer=adam", "augment.horizontalFlip=true",
                            "train.averagingFrequency=5", "run.name=sparkml-example"});
            Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {new SQLTransformer().setStatement(
                    "SELECT key, image, encoding, height, width, CAST(label AS DOUBLE) AS label FROM __THIS__"), cnn});
            PipelineModel model = pipeline.fit(train);
            MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
            Dataset<Row> scored = model.transform(test).cache();
            System.out.printf("test accuracy (Spark ML's MulticlassClassificationEvaluator): %.4f on %d images%n",
                    accuracy.evaluate(scored), scored.count());
            scored.select("key", "label", "prediction", "topClasses", "topProbabilities").show(5, false);

            String saved = new Path(runDir, "pipeline-model").toString();
            model.write().overwrite().save(saved);
            Dataset<Row> again = PipelineModel.load(saved).transform(test);
            long differ = scored.select("key", "prediction").join(again.select("key", "prediction").withColumnRenamed(
                    "prediction", "loaded"), "key").filter("prediction != loaded").count();
            System.out.printf("saved to %s and loaded: %d of %d predictions differ%n", saved, differ, scored.count());
            if (differ != 0) System.exit(1);
        } finally {
            spark.stop();
        }
    }

    private static Manifest manifest(SparkSession spark, String shards) throws IOException {
        Path p = new Path(shards, Manifest.FILE_NAME);
        try (InputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
            return Manifest.read(in);
        }
    }

    // the split's files as the manifest lists them (a Delta table folder may still hold removed files)
    private static Dataset<Row> split(SparkSession spark, Manifest manifest, String shards, String split) {
        List<String> files = manifest.shards().stream().filter(s -> s.split().equals(split) && s.rows() > 0)
                .map(s -> new Path(shards, s.path()).toString()).toList();
        return spark.read().parquet(files.toArray(String[]::new));
    }
}
