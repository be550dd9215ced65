package io.sparkcnn.jobs.config;

import io.sparkcnn.model.train.TrainerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sparkcnn.jobs.config.Setting.bool;
import static io.sparkcnn.jobs.config.Setting.choice;
import static io.sparkcnn.jobs.config.Setting.decimal;
import static io.sparkcnn.jobs.config.Setting.doubles;
import static io.sparkcnn.jobs.config.Setting.ints;
import static io.sparkcnn.jobs.config.Setting.integer;
import static io.sparkcnn.jobs.config.Setting.longValue;
import static io.sparkcnn.jobs.config.Setting.longs;
import static io.sparkcnn.jobs.config.Setting.doubleMap;
import static io.sparkcnn.jobs.config.Setting.string;
import static io.sparkcnn.jobs.config.Setting.strings;
import static io.sparkcnn.jobs.config.Setting.uri;

/** Every setting the jobs read, with its default and description (the single source for help and docs). */
public final class JobSettings {
    private static final int BIG = Integer.MAX_VALUE;

    /** The engine's training settings (optimizer, schedule, clipping) under this prefix, by TrainerConfig's names. */
    public static final String TRAINER_PREFIX = "trainer.";

    /** TrainerConfig settings that the job names itself: batchSize = train.batchSizePerWorker, epochs = train.epochs, seed = run.seed. */
    static final List<String> TRAINER_OWNED_BY_JOB = List.of("batchSize", "epochs", "seed");

    private static final List<Setting> JOB = List.of(
            // the run
            string("run.name", "sparkcnn", "Name of the run: the Spark application name and the prefix of job descriptions."),
            uri("run.dir", null, "Hadoop FileSystem URI of the run directory (hdfs://, file://, s3a://): checkpoints/, metrics/ (JSON lines per round), evaluation results beside each checkpoint."),
            longValue("run.seed", 42, Long.MIN_VALUE, Long.MAX_VALUE, "Seed of parameter init, data order, augmentation and dropout: same seed and workers, same bits."),

            // data
            uri("data.path", null, "URI of a data-prep output directory (the one holding _manifest.json)."),
            string("data.trainSplit", "train", "Split trained on."),
            string("data.evalSplit", "test", "Split that evaluate and the end-of-training evaluation use."),
            integer("data.shuffleBlockRows", 2048, 1, BIG, "Rows per shuffle block: each worker visits its blocks in a seeded order per epoch and the rows of a block in a seeded order; memory per worker is one block of encoded images."),
            doubles("data.mean", "[]", "Per-channel mean subtracted after scaling pixels to [0,1]; empty takes the manifest's statistics of the train split."),
            doubles("data.std", "[]", "Per-channel standard deviation divided by; empty takes the manifest's statistics of the train split."),

            // augmentation (training only)
            bool("augment.randomResizedCrop", false, "ImageNet-style random resized crop to the network input (area and aspect drawn per example)."),
            decimal("augment.scaleMin", 0.08, 0.0001, 1, "Smallest crop area as a fraction of the image (random resized crop)."),
            decimal("augment.scaleMax", 1.0, 0.0001, 1, "Largest crop area as a fraction of the image (random resized crop)."),
            decimal("augment.ratioMin", 0.75, 0.01, 100, "Smallest crop aspect ratio w/h (random resized crop)."),
            decimal("augment.ratioMax", 4.0 / 3.0, 0.01, 100, "Largest crop aspect ratio w/h (random resized crop)."),
            bool("augment.horizontalFlip", false, "Flip each training example left-right with probability 1/2."),
            integer("augment.padCrop", 0, 0, 1024, "Pad each side by this many zero pixels and take a random crop of the input size (CIFAR style); 0 is off."),
            decimal("augment.brightness", 0, 0, 1, "Color jitter (every task: it changes only pixel values, boxes and masks stay): brightness factor drawn from [1-x, 1+x]."),
            decimal("augment.contrast", 0, 0, 1, "Color jitter (every task: it changes only pixel values, boxes and masks stay): contrast factor drawn from [1-x, 1+x]."),
            decimal("augment.saturation", 0, 0, 1, "Color jitter (every task: it changes only pixel values, boxes and masks stay): saturation factor drawn from [1-x, 1+x]."),
            decimal("augment.segmentationScaleMin", 1.0, 0.05, 20, "Segmentation: smallest scale of the image and its mask (x the stored size) before the random crop of the network input (padded with the ignore label where the scaled image is smaller); evaluation resizes the whole image to the input."),
            decimal("augment.segmentationScaleMax", 1.0, 0.05, 20, "Segmentation: largest scale of the paired image+mask augmentation (see augment.segmentationScaleMin)."),
            integer("augment.evalResize", 0, 0, 65536, "Evaluation: shorter side resized to this before the center crop to the input size; 0 resizes straight to the input size."),
            decimal("augment.detectionExpand", 0, 0, 1, "Detection: probability of SSD's zoom out (the image placed at random on a canvas up to augment.detectionMaxExpand times its size, padded with the channel mean: 0 after normalisation); SSD uses 0.5, 0 is off. The boxes move with the image; augment.horizontalFlip flips both."),
            decimal("augment.detectionMaxExpand", 4, 1, 16, "Detection: largest zoom-out canvas as a multiple of the image side (SSD: 4)."),
            decimal("augment.detectionMinPatch", 1, 0.05, 1, "Detection: SSD's random patch (minimum IoU 0.1 to 0.9 with some box, or any patch, or the whole image) with sides of at least this fraction of the image's, resized to the input; SSD uses 0.3, 1 keeps the whole image (off)."),
            decimal("augment.detectionMinVisible", 0.25, 0.01, 1, "Detection: a box cut by the zoom-out/patch stays a training box when at least this fraction of its area is still in the patch (clipped to it), else it is dropped."),
            integer("augment.frameStride", 1, 1, 64, "Video: a clip takes every s-th stored frame (T frames spanning (T-1)s+1 stored ones), training and evaluation alike; a stored clip too short for s takes the longest stride that fits, one of fewer than T frames is refused naming the row."),
            bool("augment.randomClipStart", true, "Video training: the clip's first frame is drawn uniformly over the positions that fit in the stored frames; false takes the centred clip. Every frame of a clip gets the same random crop of the network's H x W and the same flip (augment.horizontalFlip)."),

            // the model
            string("model.zoo", "lenet5", "Zoo network to train (lenet5, resnet18, resnet34, resnet50, ...); ignored when model.file is set."),
            integer("model.zooWidth", 0, 0, 4096, "Segmentation and detection zoo models (fcn*, unet, deeplab, ssd): filters of the first stage (ssd: of its stem), later stages double it; 0 is the model's default."),
            integer("model.zooDepth", 0, 0, 64, "Segmentation and detection zoo models: FCN convolutions per stage, U-Net levels, DeepLab stride-2 stages, SSD feature maps; 0 is the model's default."),
            string("model.file", "", "Path of a network HOCON file (the engine's network config format); empty uses model.zoo."),
            ints("model.input", "[1, 28, 28]", "Network input shape (C, H, W); video (C, T, H, W), T frames per clip; C=1 converts the shards' RGB to gray."),
            integer("model.classes", 10, 2, BIG, "Number of classes of the network's output."),

            // distributed training
            integer("train.workers", 2, 1, 4096, "Workers W: partitions trained in parallel, one task (one model replica) per executor."),
            integer("train.batchSizePerWorker", 32, 1, BIG, "Minibatch size of each worker."),
            integer("train.averagingFrequency", 5, 1, 10000, "Minibatches each worker runs between two averagings (k); DL4J advises 5-10, above ~20 hurts accuracy."),
            choice("train.aggregation", "parameters", List.of("parameters", "gradients"), "parameters: average the models every k minibatches; gradients: average the gradients every minibatch and step once on the driver (synchronous SGD)."),
            bool("train.averageOptimizerState", true, "Average optimizer state (momentum, Adam moments) with the parameters; false starts each round from a fresh state."),
            choice("train.outerOptimizer", "none", List.of("none", "nesterov"), "Parameters mode: none takes the workers' mean model as the next model; nesterov treats the round's mean displacement (broadcast model minus mean) as a gradient for an outer SGD step with Nesterov momentum (SlowMo, DiLoCo; docs/jobs.md). Batch-norm statistics are averaged either way. Refused in gradients mode."),
            decimal("train.outerLearningRate", 1.0, 0.0001, 10, "train.outerOptimizer=nesterov: the outer learning rate (SlowMo: 1, DiLoCo: 0.7)."),
            decimal("train.outerMomentum", 0.75, 0, 0.9999, "train.outerOptimizer=nesterov: the outer momentum; 0.75 did best on Fashion-MNIST at k = 20 (docs/benchmarks.md), DiLoCo uses 0.9 with learning rate 0.7; 0 with learning rate 1 is plain averaging."),
            integer("train.epochs", 1, 1, BIG, "Passes over the training split."),
            integer("train.maxRounds", 0, 0, BIG, "Stop after this many rounds in total (checkpointing first); 0 runs all epochs."),
            integer("train.aggregationDepth", 2, 1, 16, "Depth of the summation tree over the workers' vectors (2: sqrt(W) partial sums)."),
            uri("train.initFrom", "", "Fine-tuning: start from this checkpoint's weights (a checkpoint directory step-N, its model.sckp, or a run directory: its newest complete checkpoint), copied by layer name where type and shapes match; other layers keep their initialisation (a new head). The copy is reported on the console and in run.dir/init-from.json; a --resume continues from its own checkpoint and does not copy again."),
            strings("train.initSkip", "[]", "Fine-tuning: layers (names or name prefixes) train.initFrom does not copy, so they start from their initialisation (a new head of the same class count); each entry must match a layer."),
            strings("train.freeze", "[]", "Fine-tuning: layers (names or name prefixes) whose parameters get no update and no optimizer state change; each entry must match a layer."),
            bool("train.freezeBatchNorm", true, "Fine-tuning: frozen batch norms normalise with their running statistics and do not update them (evaluation mode); false keeps them in training mode (batch statistics, running statistics updated)."),
            doubleMap("train.lrMultipliers", "{}", "Fine-tuning: learning-rate multipliers by layer name prefix, e.g. {conv: 0.1, fc2: 1}; the longest matching prefix wins, frozen layers stay frozen; each key must match a layer with parameters (quote names with dots)."),
            integer("train.checkpointEvery", 50, 1, BIG, "Rounds between checkpoints; one is also written at the end."),
            integer("train.keepCheckpoints", 3, 1, BIG, "Checkpoints kept; older ones are deleted."),
            choice("train.resume.data", "pinned", List.of("pinned", "latest"), "What --resume trains on: pinned reads the shard table at the version the checkpoint trained on (Delta time travel), so the run continues on exactly its rows, and refuses when that version is gone (vacuumed); latest moves the run to the table's current version, logged, starting a new epoch."),
            bool("train.evaluateAtEnd", true, "Evaluate on data.evalSplit after the last round and write the result beside the checkpoint."),
            choice("train.progress", "auto", List.of("auto", "on", "off"), "Console progress (a line per epoch with the time left; a bar redrawn each round on a terminal): auto shows it in local mode."),

            // executors
            choice("backend.kind", "auto", List.of("auto", "opencl", "cpu"), "Compute backend on the executors: auto takes OpenCL when a device is usable, else the CPU."),
            bool("backend.strict", false, "With backend.kind=auto: fail instead of running on the CPU when the OpenCL program does not compile on the chosen GPU (backend.kind=opencl always fails, naming the reason)."),
            integer("backend.threads", 0, 0, 4096, "CPU backend threads per task; 0 uses spark.task.cpus."),
            choice("backend.cpuConv", "auto", List.of("auto", "gemm", "dnnl"), "How the CPU backend convolves: dnnl runs oneDNN's kernels (blocked layouts, JIT AVX2/AVX-512), gemm im2col + SGEMM through the BLAS, auto picks per layer and pass what measured faster (docs/benchmarks.md): direct Vector API loops for one-channel inputs at stride 1 (LeNet's first layer: every pass under 8 output channels, else backward-weights; where the JVM has --add-modules=jdk.incubator.vector, as the launchers pass), else oneDNN, except the backward passes of layers with very few input channels (backward-data under 4, backward-weights from 1), where oneDNN's channel blocks are mostly padding, and gemm wherever oneDNN does not load. oneDNN's threads per executor come from OMP_NUM_THREADS (the submit scripts set it to the task's cores)."),

            // evaluation and prediction
            integer("eval.batchSize", 256, 1, BIG, "Batch size of evaluate and predict."),
            string("eval.checkpoint", "", "Checkpoint directory to evaluate or predict with; empty takes the newest complete one under run.dir."),
            integer("eval.partitions", 0, 0, BIG, "Partitions of the evaluation data; 0 uses train.workers."),
            decimal("eval.blockHeapFraction", 0.1, 0.001, 0.5, "Share of an executor's JVM heap that evaluate and predict fill with one block of decoded rows, split among the executor's task slots; the block's row count follows from it (a whole number of eval.batchSize when one fits)."),
            decimal("eval.detectionScoreThreshold", 0.01, 0, 1, "Detection: a class's softmax score must reach this for a box to be a candidate (SSD/COCO evaluation: 0.01)."),
            decimal("eval.detectionNmsIou", 0.45, 0, 1, "Detection: per-class non-maximum suppression drops a candidate overlapping a kept box of its class with IoU above this (SSD: 0.45)."),
            integer("eval.detectionsPerImage", 100, 1, 10000, "Detection: detections kept per image after NMS, best first (COCO's maxDets: 100)."),
            integer("eval.clipsPerVideo", 1, 1, 100, "Video: clips scored per video, evenly spaced over the stored frames (1: the centred clip), each a centred crop of the network's H x W; video accuracy averages their softmax, clip accuracy scores each alone."),
            uri("predict.output", "", "URI of the Parquet written by predict; empty writes predictions-<split> in the checkpoint directory."),
            string("predict.split", "test", "Split predict runs on."),
            integer("predict.topK", 5, 1, 1000, "Classes (with scores) written per row by predict."),
            bool("predict.overlay", false, "Segmentation: also write a colour overlay PNG per image (class colours blended over the image) into the overlay folder."),
            decimal("predict.overlayAlpha", 0.5, 0, 1, "Segmentation: weight of the class colour in the overlay (0 = the image, 1 = the colours)."),
            string("explain.split", "test", "Split explain runs on (when explain.images is empty)."),
            uri("explain.images", "", "URI of a folder of image files (png, jpg, bmp, gif; searched recursively) that explain runs on instead of explain.split."),
            choice("explain.method", "gradcam", List.of("gradcam", "cam"), "gradcam: Grad-CAM of explain.layer (any classifier); cam: CAM, for networks that end in global average pooling and a dense layer (docs/explain.md)."),
            string("explain.layer", "", "Layer whose feature map explain weighs; empty takes the last convolution's block output (the last 2-D convolution followed through the batch norm, activation, dropout and residual add after it)."),
            integer("explain.class", -1, -1, BIG, "Class explain explains for every image; -1 explains each image's predicted class."),
            integer("explain.limit", 16, 0, BIG, "Images explain explains: the first N rows of the split (or files of the folder, sorted by path); 0 explains all."),
            uri("explain.output", "", "URI of the folder explain writes its PNGs and explanations.csv into; empty writes explain-<split> (or explain-images) in the checkpoint directory."),
            decimal("explain.alpha", 0.5, 0, 1, "Weight of the heatmap's colour in explain's overlay (0 = the image, 1 = the heatmap)."),
            integer("explain.scale", 1, 1, 64, "Explain draws each image this many times its network input size (pixels repeated, the heatmap upsampled bilinearly to the drawn size)."),

            // the training report
            integer("report.gradcamImages", 8, 0, 64, "Grad-CAM overlays a classifier's evaluation writes to <run.dir>/report/gradcam for the report (the first N rows of data.evalSplit; 0: none; docs/report.md)."));

    public static final List<Setting> ALL = concat(JOB, trainerSettings());

    private static final Map<String, Setting> BY_KEY = new LinkedHashMap<>();

    static {
        for (Setting s : ALL) {
            if (BY_KEY.put(s.key(), s) != null) throw new IllegalStateException("setting declared twice: " + s.key());
        }
    }

    private JobSettings() {}

    private static List<Setting> concat(List<Setting> a, List<Setting> b) {
        List<Setting> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** TrainerConfig.SETTINGS as job settings, their types taken from the defaults; the engine checks the values. */
    private static List<Setting> trainerSettings() {
        List<Setting> out = new ArrayList<>();
        for (TrainerConfig.Setting t : TrainerConfig.SETTINGS) {
            if (TRAINER_OWNED_BY_JOB.contains(t.name())) continue;
            String key = TRAINER_PREFIX + t.name();
            Object d = t.defaultValue();
            String description = Character.toUpperCase(t.description().charAt(0)) + t.description().substring(1) + ".";
            Setting s;
            if (d instanceof Boolean b) s = bool(key, b, description);
            else if (d instanceof Long l) s = longValue(key, l, 0, Long.MAX_VALUE, description);
            else if (d instanceof Integer i) s = integer(key, i, 0, Integer.MAX_VALUE, description);
            else if (d instanceof Double v) s = decimal(key, v, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, description);
            else if (d instanceof List<?> l) s = longs(key, l.toString(), description);
            else s = string(key, d.toString(), description);
            out.add(s);
        }
        return out;
    }

    public static Setting get(String key) { return BY_KEY.get(key); }

    public static boolean has(String key) { return BY_KEY.containsKey(key); }
}
