package io.sparkcnn.jobs.ml;

import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.TrainJob;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.progress.JobConsole;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A CNN classifier as a Spark ML estimator. fit stages the DataFrame's images and labels as a
 * training split of shards under {@code runDir/data} ({@link ShardStaging}), then runs the train
 * job on it (parameter averaging over {@code workers} replicas; checkpoints and metrics under
 * runDir as for {@code sparkcnn train}) and returns a {@link CnnClassificationModel} of the final
 * checkpoint. The job's settings come from the params (network, epochs, batch size, learning rate,
 * workers, seed, backend) and {@code settings}: any other job setting as key=value, checked by the
 * settings table (docs/configuration.md).
 */
public final class CnnClassifier extends Estimator<CnnClassificationModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** Job settings the params set: settings may not set them too. */
    static final Map<String, String> OWNED = Map.ofEntries(
            Map.entry("run.dir", "runDir"), Map.entry("data.path", "runDir"), Map.entry("data.trainSplit", "runDir"),
            Map.entry("model.zoo", "network"), Map.entry("model.file", "networkFile"), Map.entry("model.input", "inputShape"),
            Map.entry("model.classes", "numClasses"), Map.entry("train.workers", "workers"),
            Map.entry("train.batchSizePerWorker", "batchSize"), Map.entry("train.epochs", "epochs"),
            Map.entry("trainer.learningRate", "learningRate"), Map.entry("run.seed", "seed"),
            Map.entry("backend.kind", "backend"), Map.entry("train.evaluateAtEnd", "(fit: there is no evaluation split;"
                    + " evaluate the transformed DataFrame)"));

    private final String uid;
    private final Param<String> imageCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> rawPredictionCol;
    private final Param<String> probabilityCol;
    private final IntParam topK;
    private final Param<String> topClassesCol;
    private final Param<String> topProbabilitiesCol;
    private final IntParam inferenceBatchSize;
    private final Param<String> backend;
    private final Param<String> runDir;
    private final Param<String> network;
    private final Param<String> networkFile;
    private final IntArrayParam inputShape;
    private final IntParam numClasses;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final IntParam workers;
    private final LongParam seed;
    private final StringArrayParam settings;

    public CnnClassifier(String uid) {
        this.uid = uid;
        // the params name this stage as their parent: made once uid is known
        imageCol = SharedParams.imageCol(this);
        labelCol = new Param<>(this, "labelCol", "label column: numeric, class indices 0..numClasses-1");
        predictionCol = SharedParams.predictionCol(this);
        rawPredictionCol = SharedParams.rawPredictionCol(this);
        probabilityCol = SharedParams.probabilityCol(this);
        topK = SharedParams.topK(this);
        topClassesCol = SharedParams.topClassesCol(this);
        topProbabilitiesCol = SharedParams.topProbabilitiesCol(this);
        inferenceBatchSize = SharedParams.inferenceBatchSize(this);
        backend = SharedParams.backend(this);
        runDir = new Param<>(this, "runDir", "Hadoop URI of fit's working folder (required):"
                + " the staged shards in data/, checkpoints/, metrics/ and the run's log; must hold no checkpoints yet");
        network = new Param<>(this, "network", "zoo network (model.zoo: lenet5, resnet18, ...);"
                + " ignored when networkFile is set");
        networkFile = new Param<>(this, "networkFile", "path of a network config file"
                + " (model.file, docs/network-config.md); empty: network");
        inputShape = new IntArrayParam(this, "inputShape", "network input (C, H, W) of a zoo"
                + " network (model.input); C = 1 trains on gray; a network file brings its own");
        numClasses = new IntParam(this, "numClasses", "classes of the network (model.classes); 0: the"
                + " largest label + 1 (at least 2)", ParamValidators.gtEq(0));
        epochs = new IntParam(this, "epochs", "passes over the data (train.epochs, >= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "minibatch per worker (train.batchSizePerWorker, >= 1)",
                ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "base learning rate (trainer.learningRate, > 0)",
                ParamValidators.gt(0));
        workers = new IntParam(this, "workers", "model replicas trained in parallel, one task each"
                + " (train.workers, >= 1)", ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "seed of initialisation, data order and augmentation (run.seed)");
        settings = new StringArrayParam(this, "settings", "more job settings as key=value"
                + " (any of docs/configuration.md but those the params set), e.g. trainer.momentum=0.9");
        SharedParams.setDefaults(this, imageCol, predictionCol, rawPredictionCol, probabilityCol, topK, topClassesCol,
                topProbabilitiesCol, inferenceBatchSize, backend);
        setDefault(labelCol, "label");
        setDefault(network, "lenet5");
        setDefault(networkFile, "");
        setDefault(inputShape, new int[] {1, 28, 28});
        setDefault(numClasses, 0);
        setDefault(epochs, 1);
        setDefault(batchSize, 32);
        setDefault(learningRate, 0.01);
        setDefault(workers, 2);
        setDefault(seed, 42L);
        setDefault(settings, new String[0]);
    }

    public CnnClassifier() { this(Identifiable.randomUID("cnnClassifier")); }

    @Override
    public String uid() { return uid; }

    public Param<String> imageCol() { return imageCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public IntParam topK() { return topK; }
    public Param<String> topClassesCol() { return topClassesCol; }
    public Param<String> topProbabilitiesCol() { return topProbabilitiesCol; }
    public IntParam inferenceBatchSize() { return inferenceBatchSize; }
    public Param<String> backend() { return backend; }
    public Param<String> runDir() { return runDir; }
    public Param<String> network() { return network; }
    public Param<String> networkFile() { return networkFile; }
    public IntArrayParam inputShape() { return inputShape; }
    public IntParam numClasses() { return numClasses; }
    public IntParam epochs() { return epochs; }
    public IntParam batchSize() { return batchSize; }
    public DoubleParam learningRate() { return learningRate; }
    public IntParam workers() { return workers; }
    public LongParam seed() { return seed; }
    public StringArrayParam settings() { return settings; }

    public String getImageCol() { return $(imageCol); }
    public String getLabelCol() { return $(labelCol); }
    public String getRunDir() { return $(runDir); }
    public String getNetwork() { return $(network); }
    public String getNetworkFile() { return $(networkFile); }
    public int[] getInputShape() { return $(inputShape); }
    public int getNumClasses() { return (Integer) $(numClasses); }
    public int getEpochs() { return (Integer) $(epochs); }
    public int getBatchSize() { return (Integer) $(batchSize); }
    public double getLearningRate() { return (Double) $(learningRate); }
    public int getWorkers() { return (Integer) $(workers); }
    public long getSeed() { return (Long) $(seed); }
    public String[] getSettings() { return $(settings); }
    public String getBackend() { return $(backend); }

    public CnnClassifier setImageCol(String v) { set(imageCol, v); return this; }
    public CnnClassifier setLabelCol(String v) { set(labelCol, v); return this; }
    public CnnClassifier setPredictionCol(String v) { set(predictionCol, v); return this; }
    public CnnClassifier setRawPredictionCol(String v) { set(rawPredictionCol, v); return this; }
    public CnnClassifier setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    public CnnClassifier setTopK(int v) { set(topK, v); return this; }
    public CnnClassifier setTopClassesCol(String v) { set(topClassesCol, v); return this; }
    public CnnClassifier setTopProbabilitiesCol(String v) { set(topProbabilitiesCol, v); return this; }
    public CnnClassifier setInferenceBatchSize(int v) { set(inferenceBatchSize, v); return this; }
    public CnnClassifier setBackend(String v) { set(backend, v); return this; }
    public CnnClassifier setRunDir(String v) { set(runDir, v); return this; }
    public CnnClassifier setNetwork(String v) { set(network, v); return this; }
    public CnnClassifier setNetworkFile(String v) { set(networkFile, v); return this; }
    public CnnClassifier setInputShape(int[] v) { set(inputShape, v); return this; }
    public CnnClassifier setNumClasses(int v) { set(numClasses, v); return this; }
    public CnnClassifier setEpochs(int v) { set(epochs, v); return this; }
    public CnnClassifier setBatchSize(int v) { set(batchSize, v); return this; }
    public CnnClassifier setLearningRate(double v) { set(learningRate, v); return this; }
    public CnnClassifier setWorkers(int v) { set(workers, v); return this; }
    public CnnClassifier setSeed(long v) { set(seed, v); return this; }
    public CnnClassifier setSettings(String[] v) { set(settings, v); return this; }

    /**
     * Checks the image and label columns (naming the column and the reason), that the output
     * columns are new, and the job settings (a bad one fails naming its key) before any work.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        ImageInput.of(schema, getImageCol());
        String label = getLabelCol();
        if (!Arrays.asList(schema.fieldNames()).contains(label)) {
            throw new IllegalArgumentException("label column '" + label + "' is not in the DataFrame (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        if (!(schema.apply(label).dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + label + "' is " + schema.apply(label).dataType().simpleString()
                    + ": expected a numeric type holding class indices 0, 1, ...");
        }
        if (!isDefined(runDir)) throw new IllegalArgumentException("runDir is not set: fit needs a folder for its shards and checkpoints");
        jobConfig(Math.max(2, getNumClasses()));
        return columns().appendTo(schema);
    }

    private ScoredColumns columns() {
        return new ScoredColumns($(predictionCol), $(rawPredictionCol), $(probabilityCol), (Integer) $(topK),
                $(topClassesCol), $(topProbabilitiesCol));
    }

    /** The train job's settings from the params and settings (checked there: a bad value names its key). */
    JobConfig jobConfig(int classes) {
        String root = getRunDir();
        List<String> o = new ArrayList<>();
        for (String s : getSettings()) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("settings: expected key=value, got '" + s + "'");
            String key = s.substring(0, eq).trim();
            if (OWNED.containsKey(key)) {
                throw new IllegalArgumentException("settings: " + key + " is set by the param " + OWNED.get(key));
            }
            o.add(s);
        }
        o.add("run.dir=" + root);
        o.add("data.path=" + dataRoot(root));
        o.add("data.trainSplit=" + ShardStaging.SPLIT);
        o.add("train.evaluateAtEnd=false");
        String file = getNetworkFile();
        if (!file.isEmpty()) {
            o.add("model.file=" + file);
            o.add("model.input=" + Arrays.toString(NetworkConfig.read(java.nio.file.Path.of(file)).input().dims()));
        } else {
            o.add("model.zoo=" + getNetwork());
            o.add("model.input=" + Arrays.toString(getInputShape()));
        }
        o.add("model.classes=" + classes);
        o.add("train.workers=" + getWorkers());
        o.add("train.batchSizePerWorker=" + getBatchSize());
        o.add("train.epochs=" + getEpochs());
        o.add("trainer.learningRate=" + getLearningRate());
        o.add("run.seed=" + getSeed());
        o.add("backend.kind=" + getBackend());
        return JobConfig.load(null, o);
    }

    static String dataRoot(String runDir) { return new Path(runDir, "data").toString(); }

    @Override
    public CnnClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Dataset<Row> df = dataset.toDF();
        Configuration hadoop = df.sparkSession().sparkContext().hadoopConfiguration();
        CheckpointStore store = new CheckpointStore(getRunDir(), hadoop);
        if (!store.list().isEmpty()) {
            throw new IllegalArgumentException("runDir " + getRunDir() + " holds checkpoints of an earlier fit (newest "
                    + store.list().get(0).getName() + "): choose another runDir");
        }
        JobConsole console = JobConsole.stderr("fit");
        console.phase("staging", "the DataFrame's images as shards in " + dataRoot(getRunDir()));
        ShardStaging.Staged staged = ShardStaging.stage(df, ImageInput.of(df.schema(), getImageCol()), getLabelCol(),
                dataRoot(getRunDir()), getWorkers(), getSeed());
        int classes = getNumClasses() > 0 ? getNumClasses() : Math.max(2, staged.labelClasses());
        if (staged.labelClasses() > classes) {
            throw new IllegalArgumentException("label column '" + getLabelCol() + "' holds class " + (staged.labelClasses() - 1)
                    + ", but numClasses is " + classes);
        }
        JobConfig cfg = jobConfig(classes);
        JobPlan plan;
        try {
            plan = JobPlan.prepareTraining(cfg, hadoop);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("fit: " + e.getMessage(), e);
        }
        TrainJob.Result result = TrainJob.run(df.sparkSession(), plan, false, console);
        CnnClassificationModel model = new CnnClassificationModel(uid + "_model", readCheckpoint(result.checkpoint(), hadoop));
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    private static byte[] readCheckpoint(Path dir, Configuration hadoop) {
        Path file = new Path(dir, CheckpointStore.MODEL_FILE);
        try (InputStream in = file.getFileSystem(hadoop).open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the trained checkpoint " + file, e);
        }
    }

    @Override
    public CnnClassifier copy(ParamMap extra) { return defaultCopy(extra); }

    public static MLReader<CnnClassifier> read() { return new DefaultParamsReader<>(); }

    public static CnnClassifier load(String path) { return read().load(path); }
}
