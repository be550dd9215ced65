package io.sparkcnn.jobs.ml;

import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.graph.Network;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark ML pair end to end in local mode: a Pipeline of a loading stage (a SQLTransformer
 * that makes Spark's image struct, BGR, from generated pixels) and CnnClassifier fits with the
 * train job, transforms, saves, loads and transforms to the same bits; the logits equal a forward
 * pass normalised by hand with the training images' own statistics; PNG bytes of the same images
 * score the same as the BGR structs; wrong columns and settings are refused by name.
 */
class CnnClassifierPipelineTest extends SharedSpark {
    private static final int SIZE = 12, CLASSES = 4;

    @TempDir
    static Path tmp;
    private Dataset<Row> train, test;
    private List<byte[]> trainRgb, testRgb;
    private Path network;

    @BeforeAll
    void data() throws IOException {
        trainRgb = new ArrayList<>();
        train = images("train", 320, trainRgb);
        testRgb = new ArrayList<>();
        test = images("test", 120, testRgb);
        network = tmp.resolve("tinycnn3.conf");
        Files.writeString(network, """
                network {
                  name = tinycnn3
                  input = [3, 12, 12]
                  layers = [
                    { type = conv2d, name = conv1, filters = 4, kernel = 3, padding = 1 }
                    { type = relu }
                    { type = maxpool2d, kernel = 2 }
                    { type = flatten }
                    { type = dense, name = fc, units = 4 }
                  ]
                  loss { type = softmax_cross_entropy }
                }
                """);
    }

    // class c lights quadrant c in the red channel only: a model that read BGR as RGB would look at blue
    private Dataset<Row> images(String split, int n, List<byte[]> rgbOut) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SplittableRandom r = new SplittableRandom(split.hashCode() * 31L + i);
            int label = r.nextInt(CLASSES);
            byte[] rgb = new byte[SIZE * SIZE * 3], bgr = new byte[rgb.length];
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int quadrant = (y < SIZE / 2 ? 0 : 2) + (x < SIZE / 2 ? 0 : 1);
                    int p = (y * SIZE + x) * 3;
                    rgb[p] = (byte) ((quadrant == label ? 170 : 40) + r.nextInt(60));
                    rgb[p + 1] = (byte) (40 + r.nextInt(60));
                    rgb[p + 2] = (byte) (40 + r.nextInt(60));
                    bgr[p] = rgb[p + 2];
                    bgr[p + 1] = rgb[p + 1];
                    bgr[p + 2] = rgb[p];
                }
            }
            rgbOut.add(rgb);
            byte[] png = ImageCodec.encodePng(new RgbImage(SIZE, SIZE, rgb));
            rows.add(RowFactory.create(split + "/" + i, bgr, png, label));
        }
        StructType schema = new StructType().add("key", DataTypes.StringType, false).add("bgr", DataTypes.BinaryType, false)
                .add("png", DataTypes.BinaryType, false).add("cls", DataTypes.IntegerType, false);
        return spark.createDataFrame(rows, schema);
    }

    private static SQLTransformer loader() {
        return new SQLTransformer().setStatement("SELECT key, png, named_struct('origin', key, 'height', 12, 'width', 12,"
                + " 'nChannels', 3, 'mode', 16, 'data', bgr) AS image, CAST(cls AS DOUBLE) AS label FROM __THIS__");
    }

    private CnnClassifier classifier(String run) {
        return new CnnClassifier().setRunDir(tmp.resolve(run).toUri().toString()).setNetworkFile(network.toString())
                .setEpochs(2).setBatchSize(8).setWorkers(2).setLearningRate(0.05).setBackend("cpu").setTopK(2)
                .setInferenceBatchSize(16).setSettings(new String[] {"trainer.momentum=0.9", "train.averagingFrequency=4",
                        "data.shuffleBlockRows=16", "train.progress=off"});
    }

    @Test
    void pipelineFitsTransformsSavesAndLoadsToTheSamePredictions() throws IOException {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {loader(), classifier("run")});
        PipelineModel fitted = pipeline.fit(train);
        Map<String, Row> scored = byKey(fitted.transform(test));
        assertEquals(120, scored.size());

        int correct = 0;
        for (Row r : scored.values()) {
            double[] p = ((Vector) r.getAs("probability")).toArray(), raw = ((Vector) r.getAs("rawPrediction")).toArray();
            assertEquals(CLASSES, p.length);
            double sum = 0, max = Double.NEGATIVE_INFINITY, rawMax = Double.NEGATIVE_INFINITY;
            int best = 0;
            for (int c = 0; c < CLASSES; c++) {
                sum += p[c];
                if (p[c] > max) {
                    max = p[c];
                    best = c;
                }
                rawMax = Math.max(rawMax, raw[c]);
            }
            assertEquals(1.0, sum, 1e-12, "probabilities of " + r.getAs("key"));
            double z = 0;
            for (double v : raw) z += Math.exp(v - rawMax);
            for (int c = 0; c < CLASSES; c++) assertEquals(Math.exp(raw[c] - rawMax) / z, p[c], 1e-12);
            assertEquals(best, (double) r.getAs("prediction"));
            List<Double> top = r.getList(r.fieldIndex("topClasses")), topP = r.getList(r.fieldIndex("topProbabilities"));
            assertEquals(List.of((double) best), top.subList(0, 1));
            assertEquals(2, top.size());
            assertEquals(p[best], topP.get(0));
            assertTrue(topP.get(0) >= topP.get(1));
            if (best == (double) r.getAs("label")) correct++;
        }
        assertTrue(correct / 120.0 > 0.8, "test accuracy " + correct / 120.0 + " (chance 0.25)");

        // the logits are the network's on the images normalised by hand with the training images' statistics
        CnnClassificationModel model = (CnnClassificationModel) fitted.stages()[1];
        assertEquals(CLASSES, model.numClasses());
        float[] logits = referenceLogits(model.checkpoint(), testRgb.get(0));
        assertArrayEquals(toDouble(logits), ((Vector) scored.get("test/0").getAs("rawPrediction")).toArray(), 1e-4);

        // saved and loaded as a Pipeline stage: the same bits
        String saved = tmp.resolve("pipeline-model").toUri().toString();
        fitted.write().overwrite().save(saved);
        Map<String, Row> again = byKey(PipelineModel.load(saved).transform(test));
        for (Map.Entry<String, Row> e : scored.entrySet()) {
            Row a = e.getValue(), b = again.get(e.getKey());
            assertEquals((double) a.getAs("prediction"), (double) b.getAs("prediction"), 0.0);
            assertArrayEquals(((Vector) a.getAs("probability")).toArray(), ((Vector) b.getAs("probability")).toArray(), 0.0);
            assertArrayEquals(((Vector) a.getAs("rawPrediction")).toArray(), ((Vector) b.getAs("rawPrediction")).toArray(), 0.0);
        }

        // PNG bytes of the same pixels (binaryFile's content) score exactly as the BGR image structs
        CnnClassificationModel onPng = model.copy(ParamMap.empty()).setImageCol("png");
        Map<String, Row> png = byKey(onPng.transform(test.select("key", "png")));
        for (Map.Entry<String, Row> e : scored.entrySet()) {
            assertArrayEquals(((Vector) e.getValue().getAs("probability")).toArray(),
                    ((Vector) png.get(e.getKey()).getAs("probability")).toArray(), 0.0, e.getKey());
        }

        // a wrong image column is refused by the model too, naming it
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> model.copy(ParamMap.empty()).setImageCol("cls").transform(test));
        assertTrue(wrong.getMessage().contains("image column 'cls' is int"), wrong.getMessage());
        // and fit refuses a runDir that already holds a fit's checkpoints
        IllegalArgumentException refitted = assertThrows(IllegalArgumentException.class, () -> pipeline.fit(train));
        assertTrue(refitted.getMessage().contains("holds checkpoints of an earlier fit"), refitted.getMessage());
    }

    @Test
    void unfittedPipelineSavesAndLoadsItsParams() throws IOException {
        String saved = tmp.resolve("pipeline").toUri().toString();
        new Pipeline().setStages(new PipelineStage[] {loader(), classifier("never")}).write().overwrite().save(saved);
        CnnClassifier loaded = (CnnClassifier) Pipeline.load(saved).getStages()[1];
        assertEquals(2, loaded.getEpochs());
        assertEquals(0.05, loaded.getLearningRate());
        assertEquals(network.toString(), loaded.getNetworkFile());
        assertArrayEquals(classifier("never").getSettings(), loaded.getSettings());
    }

    @Test
    void wrongColumnsAndSettingsAreRefusedByName() {
        Dataset<Row> loaded = loader().transform(train);
        IllegalArgumentException image = assertThrows(IllegalArgumentException.class,
                () -> classifier("x").setImageCol("label").transformSchema(loaded.schema()));
        assertTrue(image.getMessage().contains("image column 'label' is double: expected Spark's image struct"), image.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> classifier("x").setLabelCol("key").transformSchema(loaded.schema()));
        assertTrue(label.getMessage().contains("label column 'key' is string: expected a numeric type"), label.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> classifier("x").setImageCol("picture").transformSchema(loaded.schema()));
        assertTrue(missing.getMessage().contains("image column 'picture' is not in the DataFrame"), missing.getMessage());
        IllegalArgumentException owned = assertThrows(IllegalArgumentException.class,
                () -> classifier("x").setSettings(new String[] {"train.epochs=3"}).transformSchema(loaded.schema()));
        assertTrue(owned.getMessage().contains("train.epochs is set by the param epochs"), owned.getMessage());
        RuntimeException unknown = assertThrows(RuntimeException.class,
                () -> classifier("x").setSettings(new String[] {"trainer.momentun=0.9"}).transformSchema(loaded.schema()));
        assertTrue(unknown.getMessage().contains("trainer.momentun") && unknown.getMessage().contains("unknown setting"),
                unknown.getMessage());
    }

    private static Map<String, Row> byKey(Dataset<Row> df) {
        Map<String, Row> out = new TreeMap<>();
        for (Row r : df.collectAsList()) out.put(r.getAs("key"), r);
        return out;
    }

    // the checkpoint's network on one image: (pixel / 255 - mean) / std per channel, the statistics of every training pixel
    private float[] referenceLogits(Checkpoint c, byte[] rgb) {
        double[] sum = new double[3], sq = new double[3];
        long n = 0;
        for (byte[] img : trainRgb) {
            for (int p = 0; p < img.length; p += 3) {
                for (int ch = 0; ch < 3; ch++) {
                    double v = (img[p + ch] & 0xff) / 255.0;
                    sum[ch] += v;
                    sq[ch] += v * v;
                }
                n++;
            }
        }
        float[] in = new float[3 * SIZE * SIZE];
        for (int ch = 0; ch < 3; ch++) {
            double mean = sum[ch] / n, std = Math.sqrt(sq[ch] / n - mean * mean);
            for (int p = 0; p < SIZE * SIZE; p++) in[ch * SIZE * SIZE + p] = (float) (((rgb[3 * p + ch] & 0xff) / 255.0 - mean) / std);
        }
        ScoringModel m = new ScoringModel(NetworkConfig.write(c.network()), c.params(), c.buffers(), 1,
                new BackendChoice("cpu", false, 1));
        Network net = m.build(1, -1);
        try {
            net.setInput(in, 0);
            net.forward(false);
            float[] out = new float[net.outputSize()];
            net.readOutput(out);
            return out;
        } finally {
            net.close();
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
