package io.sparkcnn.jobs;

import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.Augmentation;
import io.sparkcnn.jobs.data.ClassificationRows;
import io.sparkcnn.jobs.data.DetectionRows;
import io.sparkcnn.jobs.data.ImageTransform;
import io.sparkcnn.jobs.data.RowExamples;
import io.sparkcnn.jobs.data.SegmentationRows;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.data.VideoRows;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.task.DetectionTask;
import io.sparkcnn.model.train.LayerTraining;
import io.sparkcnn.model.task.Tasks;
import io.sparkcnn.model.task.TrainingTask;
import io.sparkcnn.model.task.VideoTask;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import io.sparkcnn.model.zoo.ZooOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a job needs, checked before any Spark work: the manifest and shard lists, the
 * network built from model.* and checked against the data (input channels, class count),
 * normalisation statistics, and a writable run directory. Each failure names the setting.
 */
public record JobPlan(JobConfig config, Manifest manifest, String dataRoot, NetworkSpec network, TrainingTask task,
                      ImageTransform trainTransform, ImageTransform evalTransform) {

    /** The plan of evaluate and predict. */
    public static JobPlan prepare(JobConfig cfg, Configuration hadoop) { return prepare(cfg, hadoop, false); }

    /** The plan of train: also checks that the training split gives every worker a full minibatch. */
    public static JobPlan prepareTraining(JobConfig cfg, Configuration hadoop) { return prepare(cfg, hadoop, true); }

    private static JobPlan prepare(JobConfig cfg, Configuration hadoop, boolean training) {
        String dataRoot = cfg.string("data.path");
        Manifest manifest = readManifest(dataRoot, hadoop);
        int classes = cfg.integer("model.classes");
        TrainingTask task;
        NetworkSpec network;
        if (manifest.task() == Task.DETECTION) { // the detector's ssd loss head holds the anchors: the task comes from it
            network = detectionNetwork(cfg, dataRoot);
            task = DetectionTask.of(network);
            if (task.classes() != classes) {
                throw new ConfigException("model.classes", classes + ", but the detector '" + network.name() + "' ("
                        + networkSetting(cfg) + ") scores " + task.classes() + " object classes in its ssd loss");
            }
        } else {
            task = task(cfg, manifest, dataRoot, classes);
            network = network(cfg, task);
        }
        int[] input = cfg.ints("model.input");
        if (!Arrays.equals(network.input().dims(), input)) {
            throw new ConfigException("model.input", "the network '" + network.name() + "' takes " + network.input()
                    + " but model.input is " + Arrays.toString(input));
        }
        boolean video = task.kind() == Task.VIDEO;
        if (video && (input.length != 4 || (input[0] != 1 && input[0] != 3))) {
            throw new ConfigException("model.input", "video clips need (C, T, H, W) with C = 1 (gray) or 3 (RGB) and T frames, got "
                    + Arrays.toString(input));
        }
        if (!video && (input.length != 3 || (input[0] != 1 && input[0] != 3))) {
            throw new ConfigException("model.input", "images need (C, H, W) with C = 1 (gray) or 3 (RGB), got " + Arrays.toString(input));
        }
        // a video's frames are normalised (and jittered) as images of (C, H, W)
        int[] imageInput = video ? new int[] {input[0], input[2], input[3]} : input;
        Shape out = network.shapes().get(network.outputNode().name());
        if (task.kind() == Task.CLASSIFICATION && (out.channels() != classes || out.rank() != 1)) {
            throw new ConfigException("model.classes", "the network's output is " + out + ", not (" + classes + ")");
        }
        try {
            task.checkNetwork(network);
        } catch (RuntimeException e) {
            throw new ConfigException(networkSetting(cfg), e.getMessage());
        }
        int dataClasses = manifest.classes() == null ? 0 : manifest.classes().size();
        if (dataClasses > classes) {
            throw new ConfigException("model.classes", classes + " classes, but the data at " + dataRoot + " has " + dataClasses);
        }
        double[] mean = cfg.doubles("data.mean"), std = cfg.doubles("data.std");
        String trainSplit = cfg.string("data.trainSplit");
        Manifest.ChannelStats stats = manifest.stats() == null ? null : manifest.stats().get(trainSplit);
        if (mean.length == 0) {
            if (stats == null) throw new ConfigException("data.mean", "empty, and the manifest has no statistics for split '" + trainSplit + "'");
            mean = stats.mean();
        }
        if (std.length == 0) {
            if (stats == null) throw new ConfigException("data.std", "empty, and the manifest has no statistics for split '" + trainSplit + "'");
            std = stats.std();
        }
        Augmentation aug;
        try {
            aug = new Augmentation(cfg.bool("augment.randomResizedCrop"), cfg.decimal("augment.scaleMin"),
                    cfg.decimal("augment.scaleMax"), cfg.decimal("augment.ratioMin"), cfg.decimal("augment.ratioMax"),
                    cfg.bool("augment.horizontalFlip"), cfg.integer("augment.padCrop"), cfg.decimal("augment.brightness"),
                    cfg.decimal("augment.contrast"), cfg.decimal("augment.saturation"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("augment", e.getMessage());
        }
        ImageTransform train, eval;
        try {
            train = new ImageTransform(imageInput, mean, std, aug, cfg.integer("augment.evalResize"));
            eval = new ImageTransform(imageInput, mean, std, Augmentation.NONE, cfg.integer("augment.evalResize"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("data.mean", e.getMessage());
        }
        JobPlan plan = new JobPlan(cfg, manifest, dataRoot, network, task, train, eval);
        if (task.kind() == Task.SEGMENTATION) requireSegmentationAugmentation(cfg);
        if (task.kind() == Task.DETECTION) requireDetectionAugmentation(cfg);
        if (video) requireVideoAugmentation(cfg);
        plan.trainExamples(); // the task's own settings fail here, before any side effect
        if (training) plan.trainingSplit();
        if (training) checkBatchFits(network, cfg, "train.batchSizePerWorker");
        if (training) checkFineTuning(plan, hadoop);
        if (training && cfg.string("train.aggregation").equals("gradients") && !cfg.string("train.outerOptimizer").equals("none")) {
            throw new ConfigException("train.outerOptimizer", io.sparkcnn.jobs.train.DriverSettings.OUTER_IN_GRADIENTS_MODE);
        }
        if (!training || cfg.bool("train.evaluateAtEnd")) checkBatchFits(network, cfg, "eval.batchSize");
        checkWritable(cfg.string("run.dir"), hadoop); // the first side effect: it creates run.dir
        return plan;
    }

    /** The training task of the manifest's {@code task} (detection's comes from the network instead); video's scores eval.clipsPerVideo clips per video. */
    private static TrainingTask task(JobConfig cfg, Manifest manifest, String dataRoot, int classes) {
        try {
            TrainingTask t = Tasks.forShards(manifest.task(), classes);
            return t instanceof VideoTask v ? v.withClipsPerVideo(cfg.integer("eval.clipsPerVideo")) : t;
        } catch (UnsupportedOperationException e) {
            throw new ConfigException("data.path", "shards at " + dataRoot + " are for " + manifest.task() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("model.classes", e.getMessage());
        }
    }

    // classification's geometric augmentations would move the image away from its mask (colour jitter is allowed)
    private static void requireSegmentationAugmentation(JobConfig cfg) {
        requirePairedAugmentation(cfg, "segmentation moves image and mask together: use augment.segmentationScaleMin/Max"
                + " and augment.horizontalFlip");
    }

    // detection's geometry is its own: classification's and segmentation's geometric settings would be ignored
    private static void requireDetectionAugmentation(JobConfig cfg) {
        String instead = "detection moves image and boxes together: use augment.detectionExpand, augment.detectionMinPatch"
                + " and augment.horizontalFlip";
        requirePairedAugmentation(cfg, instead);
        for (String key : List.of("augment.segmentationScaleMin", "augment.segmentationScaleMax")) {
            if (cfg.decimal(key) != 1) throw new ConfigException(key, "is segmentation's paired scale; " + instead);
        }
    }

    // a clip's geometry is its own (one crop and flip for all frames): the image tasks' geometric settings would be ignored
    private static void requireVideoAugmentation(JobConfig cfg) {
        String instead = "video crops every frame of a clip alike: use augment.horizontalFlip, augment.frameStride and"
                + " augment.randomClipStart (frames are stored at least the network's H x W and cropped to it)";
        requirePairedAugmentation(cfg, instead);
        for (String key : List.of("augment.segmentationScaleMin", "augment.segmentationScaleMax")) {
            if (cfg.decimal(key) != 1) throw new ConfigException(key, "is segmentation's paired scale; " + instead);
        }
    }

    // colour jitter (augment.brightness, contrast, saturation) changes only pixel values: every task takes it
    private static void requirePairedAugmentation(JobConfig cfg, String instead) {
        if (cfg.bool("augment.randomResizedCrop")) imageOnly("augment.randomResizedCrop", instead);
        for (String key : List.of("augment.padCrop", "augment.evalResize")) {
            if (cfg.decimal(key) != 0) imageOnly(key, instead);
        }
    }

    private static void imageOnly(String key, String instead) {
        throw new ConfigException(key, "is classification's geometric augmentation (it would move the pixels without"
                + " their targets); " + instead);
    }

    /** The detector model.file or model.zoo names, as written: it must carry its own ssd loss (the anchors). */
    private static NetworkSpec detectionNetwork(JobConfig cfg, String dataRoot) {
        String file = cfg.string("model.file");
        try {
            NetworkSpec s = !file.isEmpty() ? NetworkConfig.read(java.nio.file.Path.of(file))
                    : ModelZoo.build(cfg.string("model.zoo"), cfg.integer("model.classes"), Shape.of(cfg.ints("model.input")),
                            zooOptions(cfg));
            DetectionTask.of(s);
            return s;
        } catch (RuntimeException e) {
            throw new ConfigException(networkSetting(cfg), "the shards at " + dataRoot + " are for detection: "
                    + e.getMessage());
        }
    }

    /** Shard rows -> training examples of the plan's task (augmented; the mask moves with the image). */
    public RowExamples trainExamples() { return examples(trainTransform); }

    /** Shard rows -> evaluation examples (deterministic: resized to the network input). */
    public RowExamples evalExamples() { return examples(evalTransform); }

    private RowExamples examples(ImageTransform transform) {
        int classes = config.integer("model.classes");
        if (task.kind() == Task.CLASSIFICATION) return new ClassificationRows(transform, classes);
        if (task.kind() == Task.VIDEO) {
            boolean training = transform == trainTransform;
            try {
                return new VideoRows(transform, classes, network.input().dims(), config.integer("augment.frameStride"),
                        config.bool("augment.randomClipStart"), config.bool("augment.horizontalFlip"),
                        training ? 1 : config.integer("eval.clipsPerVideo"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("augment", e.getMessage());
            }
        }
        if (task.kind() == Task.DETECTION) {
            boolean training = transform == trainTransform;
            DetectionRows.Geometry g = !training ? DetectionRows.Geometry.NONE : new DetectionRows.Geometry(
                    config.decimal("augment.detectionExpand"), config.decimal("augment.detectionMaxExpand"),
                    config.decimal("augment.detectionMinPatch"), config.bool("augment.horizontalFlip"),
                    config.decimal("augment.detectionMinVisible"));
            try {
                return new DetectionRows(transform, network, g);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("augment", e.getMessage());
            }
        }
        double min = config.decimal("augment.segmentationScaleMin"), max = config.decimal("augment.segmentationScaleMax");
        if (max < min) {
            throw new ConfigException("augment.segmentationScaleMax", max + " is below augment.segmentationScaleMin " + min);
        }
        return new SegmentationRows(transform, classes, network.input().dims(), min, max, config.bool("augment.horizontalFlip"));
    }

    /** Fine-tuning's frozen layers and learning-rate multipliers (train.freeze, train.lrMultipliers, train.freezeBatchNorm). */
    public LayerTraining layerTraining() {
        try {
            return new LayerTraining(config.strings("train.freeze"), config.doubleMap("train.lrMultipliers"),
                    config.bool("train.freezeBatchNorm"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(fineTuningSetting(e), e.getMessage());
        }
    }

    // the engine's message starts with the name of what it refuses: freeze or lrMultipliers
    private static String fineTuningSetting(IllegalArgumentException e) {
        return String.valueOf(e.getMessage()).startsWith("lrMultipliers") ? "train.lrMultipliers" : "train.freeze";
    }

    /** train.freeze and train.lrMultipliers must name layers of this network; train.initFrom must be a checkpoint. */
    private static void checkFineTuning(JobPlan plan, Configuration hadoop) {
        LayerTraining layers = plan.layerTraining();
        try {
            layers.resolve(plan.network());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(fineTuningSetting(e), e.getMessage());
        }
        for (String skip : plan.config().strings("train.initSkip")) {
            if (plan.network().nodes().stream().noneMatch(n -> n.name().startsWith(skip))) {
                throw new ConfigException("train.initSkip", "'" + skip + "' matches no layer of network '" + plan.network().name() + "'");
            }
        }
        String from = plan.config().string(InitFrom.SETTING);
        if (!from.isEmpty()) InitFrom.load(from, hadoop);
    }

    /** A replica's arenas at this batch must fit Java arrays: checked by planning, before Spark starts. */
    private static void checkBatchFits(NetworkSpec network, JobConfig cfg, String batchSetting) {
        int batch = cfg.integer(batchSetting);
        try {
            io.sparkcnn.model.graph.Network.checkFits(network, batch);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(batchSetting, "batch " + batch + " of '" + network.name() + "' at " + network.input()
                    + ": " + e.getMessage() + " (docs/jobs.md, Memory)");
        }
    }

    /** The training split, checked to hold at least one minibatch per worker. */
    public SplitIndex trainingSplit() {
        SplitIndex train = split(config.string("data.trainSplit"), "data.trainSplit");
        int workers = config.integer("train.workers");
        int batch = config.integer("train.batchSizePerWorker");
        if (train.rows() / workers < batch) {
            throw new ConfigException("train.batchSizePerWorker", "split '" + train.split() + "' has " + train.rows()
                    + " rows: " + workers + " workers x batch " + batch + " needs at least " + (long) workers * batch);
        }
        return train;
    }

    /** The rows of a split; the setting named is the one that chose the split. */
    public SplitIndex split(String split, String settingKey) {
        SplitIndex index = SplitIndex.of(manifest, dataRoot, split);
        if (index.rows() == 0) {
            throw new ConfigException(settingKey, "split '" + split + "' has no shards in " + dataRoot + "/" + Manifest.FILE_NAME
                    + " (splits: " + (manifest.splits() == null ? "none" : manifest.splits().keySet()) + ")");
        }
        return index;
    }

    /** The network model.file or model.zoo names, with softmax cross-entropy when the file names no loss. */
    public static NetworkSpec network(JobConfig cfg) {
        String file = cfg.string("model.file");
        try {
            if (!file.isEmpty()) {
                NetworkSpec s = NetworkConfig.read(java.nio.file.Path.of(file));
                return s.loss() == null ? s.withLoss(new SoftmaxCrossEntropy()) : s;
            }
            return ModelZoo.build(cfg.string("model.zoo"), cfg.integer("model.classes"), Shape.of(cfg.ints("model.input")),
                    zooOptions(cfg));
        } catch (RuntimeException e) {
            throw new ConfigException(networkSetting(cfg), e.getMessage());
        }
    }

    private static ZooOptions zooOptions(JobConfig cfg) {
        return new ZooOptions(cfg.integer("model.zooWidth"), cfg.integer("model.zooDepth"), null);
    }

    /**
     * The network for the task: classification's as {@link #network(JobConfig)}; others get the
     * task's loss when the file names none (segmentation: per-pixel, ignore 255).
     */
    public static NetworkSpec network(JobConfig cfg, TrainingTask task) {
        if (task.kind() == Task.CLASSIFICATION) return network(cfg);
        String file = cfg.string("model.file");
        try {
            NetworkSpec s = !file.isEmpty() ? NetworkConfig.read(java.nio.file.Path.of(file))
                    : ModelZoo.build(cfg.string("model.zoo"), cfg.integer("model.classes"), Shape.of(cfg.ints("model.input")),
                            zooOptions(cfg));
            return task.prepare(s);
        } catch (RuntimeException e) {
            throw new ConfigException(networkSetting(cfg), e.getMessage());
        }
    }

    /** The setting that chose the network: model.file when set, else model.zoo. */
    static String networkSetting(JobConfig cfg) { return cfg.string("model.file").isEmpty() ? "model.zoo" : "model.file"; }

    private static Manifest readManifest(String dataRoot, Configuration hadoop) {
        Path p = new Path(dataRoot, Manifest.FILE_NAME);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) throw new ConfigException("data.path", "no " + Manifest.FILE_NAME + " at " + p + " (run data-prep first)");
            try (InputStream in = fs.open(p)) {
                return Manifest.read(in);
            }
        } catch (IOException e) {
            throw new ConfigException("data.path", "cannot read " + p + ": " + e.getMessage());
        }
    }

    private static void checkWritable(String runDir, Configuration hadoop) {
        Path dir = new Path(runDir);
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            fs.mkdirs(dir);
            Path probe = new Path(dir, "_write_probe");
            fs.create(probe, true).close();
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("run.dir", "cannot write to " + runDir + ": " + e.getMessage());
        }
    }
}
