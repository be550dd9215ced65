package io.sparkcnn.jobs.eval;

import io.sparkcnn.jobs.data.ClassificationRows;
import io.sparkcnn.jobs.data.DetectionRows;
import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.data.ImageTransform;
import io.sparkcnn.jobs.data.RowExamples;
import io.sparkcnn.jobs.data.SegmentationRows;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.data.VideoRows;
import io.sparkcnn.jobs.train.TaskResources;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.detect.DetectionPostprocess;
import io.sparkcnn.model.detect.Detections;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.metrics.CocoMatches;
import io.sparkcnn.model.task.MetricAccumulator;
import io.sparkcnn.model.task.Tasks;
import io.sparkcnn.model.task.TrainingTask;
import io.sparkcnn.model.task.VideoMetrics;
import io.sparkcnn.model.task.VideoTask;
import io.sparkcnn.model.train.Evaluation;
import io.sparkcnn.model.train.Evaluator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluation and prediction spread over P partitions of a split: the model goes out once as
 * a broadcast, each task scores its contiguous range of rows with the deterministic
 * evaluation transform, a block at a time sized to a share of the executor's heap, and only
 * counts (evaluate), one small row per example (predict) or a count of written files come back.
 */
public final class DistributedScoring {
    private final JavaSparkContext sc;
    private final SplitIndex index;
    private final RowExamples examples;
    private final int partitions;
    private final double blockHeapFraction;
    private final SerializableConfiguration hadoopConf;
    private List<String> devices = List.of();

    /** @param blockHeapFraction share of an executor's heap a task's block of decoded rows may take ({@link BlockBudget}) */
    public DistributedScoring(JavaSparkContext sc, SplitIndex index, ImageTransform transform, int partitions,
                              double blockHeapFraction) {
        this(sc, index, new ClassificationRows(transform, 0), partitions, blockHeapFraction);
    }

    /** Rows of any task, made into examples by examples (the plan's {@code evalExamples()}). */
    public DistributedScoring(JavaSparkContext sc, SplitIndex index, RowExamples examples, int partitions,
                              double blockHeapFraction) {
        this.sc = sc;
        this.index = index;
        this.examples = examples;
        this.partitions = (int) Math.max(1, Math.min(partitions, index.rows()));
        this.blockHeapFraction = blockHeapFraction;
        this.hadoopConf = new SerializableConfiguration(sc.hadoopConfiguration());
    }

    /**
     * What one task does with its network and its partition's blocks; what it returns goes back
     * to the driver. Serializable: Spark ships it inside the task's closure.
     */
    @FunctionalInterface
    interface PartitionScorer<T> extends java.io.Serializable {
        T score(int partition, Network net, PartitionBlocks blocks) throws Exception;
    }

    /** The blocks of one partition, each decoded with the evaluation transform ({@link EvalRows}). */
    @FunctionalInterface
    interface PartitionBlocks {
        void forEach(java.util.function.Consumer<EvalRows.Block> sink);
    }

    /**
     * One element per partition, in partition order: each task builds the broadcast model into a
     * network, walks its rows a block at a time (blocks sized to the task's share of the heap)
     * and closes the network whatever happens. Lazy, like any RDD.
     */
    private <T> JavaRDD<T> perPartition(Broadcast<ScoringModel> bc, PartitionScorer<T> scorer) {
        SplitIndex idx = index;
        RowExamples tf = examples;
        int parts = partitions;
        double heapShare = blockHeapFraction;
        SerializableConfiguration conf = hadoopConf;
        return sc.parallelize(range(parts), parts).mapPartitionsWithIndex((p, it) -> {
            Network net = bc.value().build(TaskResources.cpus(), TaskResources.gpuIndex());
            try {
                int block = BlockBudget.rows(BlockBudget.taskBytes(heapShare), valuesPerRow(tf), net.batch());
                PartitionBlocks blocks = sink -> EvalRows.forEach(idx, conf.value(), tf, p, parts, block, sink);
                return List.of(scorer.score(p, net, blocks)).iterator();
            } finally {
                net.close();
            }
        }, true);
    }

    /** {@link #perPartition} run at once, the broadcast destroyed after. */
    private <T> List<T> collectPerPartition(ScoringModel model, PartitionScorer<T> scorer) {
        Broadcast<ScoringModel> bc = sc.broadcast(model);
        try {
            return perPartition(bc, scorer).collect();
        } finally {
            bc.destroy();
        }
    }

    private static String device(Network net) {
        return "executor " + TaskResources.executorId() + " on backend " + net.backend().name() + ": "
                + net.backend().deviceDescription();
    }

    /** Top-1, top-5, mean loss and the confusion matrix of the model on the whole split. */
    public Evaluation evaluate(ScoringModel model, int classes) {
        List<EvalCounts> results = collectPerPartition(model, (p, net, blocks) -> {
            Evaluator evaluator = new Evaluator(net);
            Evaluation[] total = {Evaluation.empty(classes)};
            blocks.forEach(b -> total[0] = total[0].merge(evaluator.evaluate(b.inputs(), 0, b.labels(), 0, b.labels().length)));
            return EvalCounts.of(p, total[0], device(net));
        });
        noteDevices(results.stream().map(c -> java.util.Map.entry(c.device(), c.partition())).toList());
        return EvalCounts.merge(results, classes);
    }

    /**
     * The task's metrics of the model on the whole split: each partition fills its own
     * accumulator and ships {@link MetricAccumulator#toLongs}; the driver merges them in
     * partition order (for segmentation: one confusion matrix over the whole split).
     */
    public MetricAccumulator evaluate(ScoringModel model, Task kind, int classes) {
        List<TaskCounts> results = collectPerPartition(model, (p, net, blocks) -> {
            MetricAccumulator metrics = Tasks.forShards(kind, classes).newMetrics(outputShape(net));
            Evaluator evaluator = new Evaluator(net);
            blocks.forEach(b -> evaluator.score(metrics, b.inputs(), 0, b.labels(), 0, b.size()));
            return new TaskCounts(p, metrics.toLongs(), device(net));
        });
        noteDevices(results.stream().map(c -> java.util.Map.entry(c.device(), c.partition())).toList());
        TrainingTask task = Tasks.forShards(kind, classes);
        io.sparkcnn.model.tensor.Shape out = outputShape(model);
        MetricAccumulator total = task.newMetrics(out);
        for (TaskCounts c : results.stream().sorted(java.util.Comparator.comparingInt(TaskCounts::partition)).toList()) {
            total.merge(task.metricsFromLongs(out, c.state()));
        }
        return total;
    }

    /**
     * Video: clip and video accuracy of the whole split. Each row is a video: the evaluation rows
     * make its eval.clipsPerVideo clips one after the other ({@link VideoRows}), the partition's
     * {@link VideoMetrics} scores them clip by clip and averages each video's softmax; the states
     * travel as toLongs and the driver merges them in partition order.
     */
    public VideoMetrics evaluateVideo(ScoringModel model) {
        if (!(examples instanceof VideoRows rows)) {
            throw new IllegalStateException("video evaluation needs video rows, got " + examples.kind());
        }
        int classes = rows.task().classes(), clips = rows.clipsPerRow();
        List<TaskCounts> results = collectPerPartition(model, (p, net, blocks) -> {
            VideoMetrics metrics = new VideoTask(classes).withClipsPerVideo(clips).newMetrics(outputShape(net));
            Evaluator evaluator = new Evaluator(net);
            blocks.forEach(b -> evaluator.score(metrics, b.inputs(), 0, b.labels(), 0, b.size() * clips));
            return new TaskCounts(p, metrics.toLongs(), device(net));
        });
        noteDevices(results.stream().map(c -> java.util.Map.entry(c.device(), c.partition())).toList());
        VideoMetrics total = new VideoMetrics(classes, clips);
        for (TaskCounts c : results.stream().sorted(java.util.Comparator.comparingInt(TaskCounts::partition)).toList()) {
            total.merge(VideoMetrics.fromLongs(classes, clips, c.state()));
        }
        return total;
    }

    /**
     * Video: one row per video of (key, youtube_id, time_start, time_end, label, predicted, top_classes,
     * top_labels, top_scores), the scores the softmax averaged over its eval.clipsPerVideo clips. Lazy, as
     * {@link #predict}.
     */
    public Dataset<Row> predictVideos(SparkSession spark, ScoringModel model, int topK, List<String> classNames) {
        if (!(examples instanceof VideoRows rows)) {
            throw new IllegalStateException("video predictions need video rows, got " + examples.kind());
        }
        int clips = rows.clipsPerRow();
        List<String> names = new ArrayList<>(classNames);
        JavaRDD<Row> out = perPartition(sc.broadcast(model), (p, net, blocks) -> {
            List<Row> part = new ArrayList<>();
            VideoPredictions predictions = new VideoPredictions(net, topK, clips, names);
            blocks.forEach(b -> predictions.score(b, part));
            return part;
        }).flatMap(List::iterator);
        return spark.createDataFrame(out, VideoPredictions.SCHEMA);
    }

    /**
     * Detection: COCO's per-image matches of the whole split. Each partition forwards its images,
     * turns each output into at most detectionsPerImage boxes in the stored image's pixels
     * ({@link DetectionPostprocess}) and matches them against the row's objects as stored (obj_label,
     * obj_bbox, obj_area, obj_iscrowd, keyed by image_id); the records travel as
     * {@link CocoMatches#toLongs} and the driver merges them in partition order.
     */
    public CocoMatches evaluateDetection(ScoringModel model, double scoreThreshold, double nmsIou, int detectionsPerImage) {
        if (!(examples instanceof DetectionRows rows)) {
            throw new IllegalStateException("COCO evaluation needs detection rows, got " + examples.kind());
        }
        int classes = rows.detectionTask().classes();
        List<TaskCounts> results = collectPerPartition(model, (p, net, blocks) -> {
            CocoMatches matches = new CocoMatches(classes);
            DetectionPostprocess post = postprocess(rows, scoreThreshold, nmsIou, detectionsPerImage);
            InferenceBatches batches = new InferenceBatches(net);
            Detections found = new Detections();
            int outSize = net.outputSize();
            blocks.forEach(b -> batches.run(b, (start, n, out) -> {
                EncodedRows e = b.rows();
                for (int i = 0; i < n; i++) {
                    int r = start + i;
                    post.apply(out, i * outSize, e.widths[r], e.heights[r], found);
                    matches.addImage(e.imageIds[r], e.objLabels[r], e.objBoxes[r], e.objAreas[r], e.objCrowd[r], found);
                }
            }));
            return new TaskCounts(p, matches.toLongs(), device(net));
        });
        noteDevices(results.stream().map(c -> java.util.Map.entry(c.device(), c.partition())).toList());
        CocoMatches total = new CocoMatches(classes);
        for (TaskCounts c : results.stream().sorted(java.util.Comparator.comparingInt(TaskCounts::partition)).toList()) {
            total.merge(CocoMatches.fromLongs(c.state()));
        }
        return total;
    }

    /**
     * Detection: every image's final detections (as {@link #evaluateDetection} makes them, in the stored
     * image's pixels, labels 0..K-1), per partition in row order, partitions in order.
     */
    public List<ImageDetections> predictDetections(ScoringModel model, double scoreThreshold, double nmsIou,
                                                   int detectionsPerImage) {
        if (!(examples instanceof DetectionRows rows)) {
            throw new IllegalStateException("box predictions need detection rows, got " + examples.kind());
        }
        List<ImageDetections> parts = collectPerPartition(model, (p, net, blocks) -> {
            DetectionPostprocess post = postprocess(rows, scoreThreshold, nmsIou, detectionsPerImage);
            InferenceBatches batches = new InferenceBatches(net);
            Detections found = new Detections();
            int outSize = net.outputSize();
            ImageDetections.Builder part = new ImageDetections.Builder(p);
            blocks.forEach(b -> batches.run(b, (start, n, out) -> {
                EncodedRows e = b.rows();
                for (int i = 0; i < n; i++) {
                    post.apply(out, i * outSize, e.widths[start + i], e.heights[start + i], found);
                    part.add(e.imageIds[start + i], found);
                }
            }));
            return part.build();
        });
        return parts.stream().sorted(java.util.Comparator.comparingInt(ImageDetections::partition)).toList();
    }

    /** The post-processing of eval.detectionScoreThreshold, eval.detectionNmsIou, eval.detectionsPerImage (one per task). */
    private static DetectionPostprocess postprocess(DetectionRows rows, double scoreThreshold, double nmsIou, int perImage) {
        return new DetectionPostprocess(rows.detectionTask(),
                new DetectionPostprocess.Settings((float) scoreThreshold, (float) nmsIou, perImage));
    }

    /** One partition's metrics as {@link MetricAccumulator#toLongs}, and where it ran. */
    record TaskCounts(int partition, long[] state, String device) implements java.io.Serializable {}

    private void noteDevices(List<java.util.Map.Entry<String, Integer>> partitionDevices) {
        java.util.Map<String, List<Integer>> byDevice = new java.util.TreeMap<>();
        for (var e : partitionDevices) byDevice.computeIfAbsent(e.getKey(), d -> new ArrayList<>()).add(e.getValue());
        devices = byDevice.entrySet().stream().map(d -> "partitions " + d.getValue().stream().sorted().toList()
                + " ran on " + d.getKey()).toList();
    }

    static io.sparkcnn.model.tensor.Shape outputShape(Network net) {
        return net.spec().shapes().get(net.spec().outputNode().name());
    }

    private static io.sparkcnn.model.tensor.Shape outputShape(ScoringModel model) {
        io.sparkcnn.model.graph.NetworkSpec spec = io.sparkcnn.model.config.NetworkConfig.read(model.networkText(),
                "the checkpoint's network");
        return spec.shapes().get(spec.outputNode().name());
    }

    // the block budget counts input floats (and a mask's targets; a class label is noise beside an image)
    static int valuesPerRow(RowExamples examples) {
        return examples.kind() == Task.CLASSIFICATION ? examples.inputSize() : examples.inputSize() + examples.targetSize();
    }

    /** Where the last evaluation's partitions ran, a line each. */
    public List<String> devices() { return devices; }

    /**
     * Rows of (key, label, predicted, top-k classes, their softmax probabilities). Lazy: the
     * model's broadcast lives as long as the returned Dataset may be computed.
     */
    public Dataset<Row> predict(SparkSession spark, ScoringModel model, int topK) {
        JavaRDD<Row> rows = perPartition(sc.broadcast(model), (p, net, blocks) -> {
            List<Row> out = new ArrayList<>();
            Predictions predictions = new Predictions(net, topK);
            blocks.forEach(b -> predictions.score(b, out));
            return out;
        }).flatMap(List::iterator);
        StructType schema = new StructType()
                .add("key", DataTypes.StringType, false)
                .add("label", DataTypes.IntegerType, false)
                .add("predicted", DataTypes.IntegerType, false)
                .add("top_classes", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add("top_scores", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return spark.createDataFrame(rows, schema);
    }

    /**
     * Segmentation: per image a trainId PNG, a labelId PNG (19 Cityscapes classes) and, when
     * overlay, a colour overlay, in their folders under out ({@link MaskPredictions}), each
     * named after the row key. Returns the images written.
     */
    public long predictMasks(ScoringModel model, Task kind, int classes, String out, boolean overlay, double alpha) {
        if (!(examples instanceof SegmentationRows tf)) {
            throw new IllegalStateException("mask predictions need segmentation rows, got " + examples.kind());
        }
        SerializableConfiguration conf = hadoopConf;
        List<Long> written = collectPerPartition(model, (p, net, blocks) -> {
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(out);
            MaskPredictions masks = new MaskPredictions(net, Tasks.forShards(kind, classes), tf,
                    root.getFileSystem(conf.value()), root, overlay, alpha);
            blocks.forEach(masks::write);
            return masks.written();
        });
        return written.stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Classification: the class activation map of every row, a PNG per row under out and its
     * index entry ({@link Explanations}); entries per partition in row order, partitions in order.
     */
    public List<Explanations.Entry> explain(ScoringModel model, Explanations.Settings settings, String out) {
        SerializableConfiguration conf = hadoopConf;
        List<List<Explanations.Entry>> parts = collectPerPartition(model, (p, net, blocks) -> {
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(out);
            Explanations written = new Explanations(net, settings, root.getFileSystem(conf.value()), root);
            blocks.forEach(b -> written.write(b.inputs(), b.size(), b.rows().keys, b.rows().labels));
            return new ArrayList<>(written.entries());
        });
        return parts.stream().flatMap(List::stream).toList();
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(i);
        return l;
    }

    /** Forward passes in the network's batch (the last one padded) and the top-k of each softmax. */
    private static final class Predictions {
        private final InferenceBatches batches;
        private final int classes, k;

        Predictions(Network net, int topK) {
            this.batches = new InferenceBatches(net);
            this.classes = net.outputSize();
            this.k = Math.min(topK, classes);
        }

        void score(EvalRows.Block b, List<Row> out) {
            batches.run(b, (start, rows, logits) -> {
                for (int i = 0; i < rows; i++) out.add(row(b, start + i, i, logits));
            });
        }

        // logits (C) of example i -> softmax in double, then the k best, best first
        private Row row(EvalRows.Block b, int example, int i, float[] logits) {
            int base = i * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, logits[base + c]);
            double[] p = new double[classes];
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += p[c] = Math.exp(logits[base + c] - max);
            Integer[] order = new Integer[classes];
            for (int c = 0; c < classes; c++) order[c] = c;
            java.util.Arrays.sort(order, (x, y) -> p[y] != p[x] ? Double.compare(p[y], p[x]) : Integer.compare(x, y));
            int[] top = new int[k];
            float[] scores = new float[k];
            for (int j = 0; j < k; j++) {
                top[j] = order[j];
                scores[j] = (float) (p[order[j]] / sum);
            }
            return RowFactory.create(b.rows().keys[example], (int) b.labels()[example], top[0], boxed(top), boxed(scores));
        }

        private static Integer[] boxed(int[] a) {
            Integer[] o = new Integer[a.length];
            for (int i = 0; i < a.length; i++) o[i] = a[i];
            return o;
        }

        private static Float[] boxed(float[] a) {
            Float[] o = new Float[a.length];
            for (int i = 0; i < a.length; i++) o[i] = a[i];
            return o;
        }
    }
}
