package io.sparkcnn.jobs.ml;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.model.checkpoint.Checkpoint;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A trained network as a Spark ML model: transform appends prediction, rawPrediction, probability
 * (and with topK the best classes) to a DataFrame of images, scoring each partition in batches
 * with the engine. It holds the train job's checkpoint file (model.sckp: network, weights and the
 * recorded settings, among them the normalisation the network trained with). Saved as Spark ML's
 * metadata JSON ({@code metadata/}) plus that checkpoint file ({@code checkpoint/model.sckp}, with
 * the recorded settings beside it as {@code checkpoint/job.conf}); no Java serialization on disk.
 */
public final class CnnClassificationModel extends Model<CnnClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String CHECKPOINT_DIR = "checkpoint";

    private final String uid;
    private final byte[] checkpoint;
    private final Param<String> imageCol;
    private final Param<String> predictionCol;
    private final Param<String> rawPredictionCol;
    private final Param<String> probabilityCol;
    private final IntParam topK;
    private final Param<String> topClassesCol;
    private final Param<String> topProbabilitiesCol;
    private final IntParam inferenceBatchSize;
    private final Param<String> backend;
    private transient Shipped shipped;
    private transient ClassifierScoring.Parsed parsed;

    // one broadcast per SparkContext and batch/backend, reused by every transform of this instance
    private record Shipped(SparkContext sc, ClassifierScoring scoring, Broadcast<ClassifierScoring> broadcast) {}

    /** A model of the checkpoint file's bytes (what the train job writes as model.sckp). */
    public CnnClassificationModel(String uid, byte[] checkpoint) {
        this.uid = uid;
        // the params name this stage as their parent: made once uid is known
        imageCol = SharedParams.imageCol(this);
        predictionCol = SharedParams.predictionCol(this);
        rawPredictionCol = SharedParams.rawPredictionCol(this);
        probabilityCol = SharedParams.probabilityCol(this);
        topK = SharedParams.topK(this);
        topClassesCol = SharedParams.topClassesCol(this);
        topProbabilitiesCol = SharedParams.topProbabilitiesCol(this);
        inferenceBatchSize = SharedParams.inferenceBatchSize(this);
        backend = SharedParams.backend(this);
        this.checkpoint = checkpoint.clone();
        SharedParams.setDefaults(this, imageCol, predictionCol, rawPredictionCol, probabilityCol, topK, topClassesCol,
                topProbabilitiesCol, inferenceBatchSize, backend);
        // parsed on the driver for numClasses (no network is built): a checkpoint that does not read fails here
        parsed = ClassifierScoring.parse(this.checkpoint, 1, new BackendChoice("cpu", false, 1));
    }

    public CnnClassificationModel(byte[] checkpoint) { this(Identifiable.randomUID("cnnClassificationModel"), checkpoint); }

    @Override
    public String uid() { return uid; }

    public Param<String> imageCol() { return imageCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public IntParam topK() { return topK; }
    public Param<String> topClassesCol() { return topClassesCol; }
    public Param<String> topProbabilitiesCol() { return topProbabilitiesCol; }
    public IntParam inferenceBatchSize() { return inferenceBatchSize; }
    public Param<String> backend() { return backend; }

    public String getImageCol() { return $(imageCol); }
    public String getPredictionCol() { return $(predictionCol); }
    public String getRawPredictionCol() { return $(rawPredictionCol); }
    public String getProbabilityCol() { return $(probabilityCol); }
    public int getTopK() { return (Integer) $(topK); }
    public String getTopClassesCol() { return $(topClassesCol); }
    public String getTopProbabilitiesCol() { return $(topProbabilitiesCol); }
    public int getInferenceBatchSize() { return (Integer) $(inferenceBatchSize); }
    public String getBackend() { return $(backend); }

    public CnnClassificationModel setImageCol(String v) { set(imageCol, v); return this; }
    public CnnClassificationModel setPredictionCol(String v) { set(predictionCol, v); return this; }
    public CnnClassificationModel setRawPredictionCol(String v) { set(rawPredictionCol, v); return this; }
    public CnnClassificationModel setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    public CnnClassificationModel setTopK(int v) { set(topK, v); return this; }
    public CnnClassificationModel setTopClassesCol(String v) { set(topClassesCol, v); return this; }
    public CnnClassificationModel setTopProbabilitiesCol(String v) { set(topProbabilitiesCol, v); return this; }
    public CnnClassificationModel setInferenceBatchSize(int v) { set(inferenceBatchSize, v); return this; }
    public CnnClassificationModel setBackend(String v) { set(backend, v); return this; }

    /** Classes the network scores (the length of rawPrediction and probability). */
    public int numClasses() { return parsed().classes(); }

    /** The checkpoint file's bytes (the train job's model.sckp format, docs/checkpoint-format.md). */
    public byte[] checkpointBytes() { return checkpoint.clone(); }

    /** The checkpoint: network, weights, recorded settings. */
    public Checkpoint checkpoint() { return ClassifierScoring.read(checkpoint); }

    private ClassifierScoring.Parsed parsed() {
        if (parsed == null) parsed = ClassifierScoring.parse(checkpoint, 1, new BackendChoice("cpu", false, 1));
        return parsed;
    }

    private ScoredColumns columns() {
        return new ScoredColumns(getPredictionCol(), getRawPredictionCol(), getProbabilityCol(), getTopK(),
                getTopClassesCol(), getTopProbabilitiesCol());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        ImageInput.of(schema, getImageCol());
        return columns().appendTo(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        ImageInput input = ImageInput.of(dataset.schema(), getImageCol());
        Broadcast<ClassifierScoring> bc = broadcast(dataset.sparkSession().sparkContext());
        return dataset.toDF().mapPartitions(PartitionScorer.of(bc, replicaRun(), input, columns()), Encoders.row(out));
    }

    // the broadcast lives as long as this model: the returned DataFrame is lazy and may be computed again
    private synchronized Broadcast<ClassifierScoring> broadcast(SparkContext sc) {
        ClassifierScoring scoring = new ClassifierScoring(checkpoint, getInferenceBatchSize(), new BackendChoice(getBackend(), false, 0));
        if (shipped == null || shipped.sc() != sc || !shipped.scoring().sameSettings(scoring)) {
            shipped = new Shipped(sc, scoring, sc.broadcast(scoring, scala.reflect.ClassTag$.MODULE$.apply(ClassifierScoring.class)));
        }
        return shipped.broadcast();
    }

    // replicas in an executor's pool are keyed by the weights and the batch/backend they were built for
    private String replicaRun() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(checkpoint);
            return "sparkml:" + HexFormat.of().formatHex(d, 0, 8) + ":" + getInferenceBatchSize() + ":" + getBackend();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CnnClassificationModel copy(ParamMap extra) {
        CnnClassificationModel copied = new CnnClassificationModel(uid, checkpoint);
        copyValues(copied, extra);
        return hasParent() ? copied.setParent(parent()) : copied;
    }

    @Override
    public MLWriter write() { return new Writer(this); }

    public static MLReader<CnnClassificationModel> read() { return new Reader(); }

    public static CnnClassificationModel load(String path) { return read().load(path); }

    /** metadata/ as DefaultParamsWriter writes it, then checkpoint/model.sckp and checkpoint/job.conf. */
    private static final class Writer extends MLWriter {
        private final CnnClassificationModel model;

        Writer(CnnClassificationModel model) { this.model = model; }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            Path dir = new Path(path, CHECKPOINT_DIR);
            try {
                FileSystem fs = dir.getFileSystem(sc().hadoopConfiguration());
                fs.mkdirs(dir);
                try (OutputStream out = fs.create(new Path(dir, CheckpointStore.MODEL_FILE), true)) {
                    out.write(model.checkpoint);
                }
                try (OutputStream out = fs.create(new Path(dir, CheckpointStore.CONFIG_FILE), true)) {
                    out.write(model.checkpoint().trainerConfig().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("saving the model's checkpoint to " + dir, e);
            }
        }
    }

    private static final class Reader extends MLReader<CnnClassificationModel> {
        @Override
        public CnnClassificationModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
                    CnnClassificationModel.class.getName());
            Path file = new Path(new Path(path, CHECKPOINT_DIR), CheckpointStore.MODEL_FILE);
            byte[] bytes;
            try (InputStream in = file.getFileSystem(sc().hadoopConfiguration()).open(file)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("reading the model's checkpoint " + file, e);
            }
            CnnClassificationModel model = new CnnClassificationModel(metadata.uid(), bytes);
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
