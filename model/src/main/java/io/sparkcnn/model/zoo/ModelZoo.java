package io.sparkcnn.model.zoo;

import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Well-known networks by name, for any class count and input size the network's shapes
 * allow; each classifier ends in a dense layer with softmax cross-entropy. From a config file:
 * {@code network { zoo = resnet50, classes = 1000, input = [3, 224, 224] }}.
 *
 * <table>
 * <caption>Models</caption>
 * <tr><th>name</th><th>what</th><th>parameters</th></tr>
 * <tr><td>lenet5</td><td>LeNet-5 for 28x28x1</td><td>61,706 at 10 classes</td></tr>
 * <tr><td>lenet5_bn</td><td>the same with batch norm after each convolution</td><td>61,728 at 10 classes</td></tr>
 * <tr><td>lenet5_wide</td><td>16 and 32 filters with batch norm, dense 128 with dropout (the README job's)</td><td>117,114 at 10 classes</td></tr>
 * <tr><td>vgg_small</td><td>six 3x3 conv-BN-ReLU in three stages, for 32x32x3</td><td>2,197,706 at 10 classes</td></tr>
 * <tr><td>resnet18, resnet34, resnet50</td><td>torchvision's, ImageNet stem</td><td>11,689,512 / 21,797,672 / 25,557,032 at 1000</td></tr>
 * <tr><td>resnet18_cifar, resnet34_cifar, resnet50_cifar</td><td>the same with a 3x3 stride-1 stem, no max pool</td><td>11,173,962 (resnet18_cifar at 10)</td></tr>
 * <tr><td>inception_v1</td><td>GoogLeNet with BN, no auxiliary heads</td><td>7,005,832 at 1000</td></tr>
 * <tr><td>mobilenet_v1</td><td>depthwise-separable, width 1.0</td><td>4,231,976 at 1000</td></tr>
 * <tr><td>ssd</td><td>single-shot detector, MobileNet-like backbone, 3 maps (width 16, depth 3)</td><td>294,612 at 10 classes, 96x96</td></tr>
 * </table>
 * Segmentation models output (classes, H, W) logits at the input's size with per-pixel
 * softmax cross-entropy (ignore 255), sized by {@link ZooOptions}: {@code fcn32s},
 * {@code fcn16s}, {@code fcn8s} ({@link Fcn}), {@code unet} ({@link UNet}), {@code deeplab}
 * ({@link DeepLab}). The detector {@code ssd} ({@link Ssd}) ends in SSD heads on 2-5 feature
 * maps with the {@code ssd} loss and default anchors for its input size; width sizes its
 * backbone, depth counts its feature maps.
 * Video classifiers take clips (C,T,H,W) ({@link VideoNets}): {@code c3d} (79,991,015 at 487 classes,
 * 3x16x112x112), {@code r3d_18} and {@code r2plus1d_18} (torchvision's: 33,371,472 and 31,505,325 at
 * 400 classes), and {@code r3d} / {@code r2plus1d} sized by width (first stage's channels) and depth
 * (blocks per stage).
 */
public final class ModelZoo {

    @FunctionalInterface
    private interface Factory {
        NetworkSpec build(String name, int classes, Shape input, ZooOptions options);
    }

    /** A classification model: fixed architecture, no size options. */
    private static Factory fixed(Factory3 f) {
        return (n, c, in, o) -> {
            if (!o.isDefault()) throw new IllegalArgumentException("zoo model '" + n + "' takes no width, depth or rates");
            return f.build(n, c, in);
        };
    }

    @FunctionalInterface
    private interface Factory3 {
        NetworkSpec build(String name, int classes, Shape input);
    }

    private static final Map<String, Factory> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("lenet5", fixed(LeNet::build));
        MODELS.put("lenet5_bn", fixed(LeNet::buildWithBatchNorm));
        MODELS.put("lenet5_wide", fixed(LeNet::buildWide));
        MODELS.put("vgg_small", fixed(Vgg::build));
        MODELS.put("resnet18", fixed((n, c, in) -> ResNet.build(n, c, in, ResNet.RESNET18, false, false)));
        MODELS.put("resnet34", fixed((n, c, in) -> ResNet.build(n, c, in, ResNet.RESNET34, false, false)));
        MODELS.put("resnet50", fixed((n, c, in) -> ResNet.build(n, c, in, ResNet.RESNET50, true, false)));
        MODELS.put("resnet18_cifar", fixed((n, c, in) -> ResNet.build(n, c, in, ResNet.RESNET18, false, true)));
        MODELS.put("resnet34_cifar", fixed((n, c, in) -> ResNet.build(n, c, in, ResNet.RESNET34, false, true)));
        MODELS.put("resnet50_cifar", fixed((n, c, in) -> ResNet.build(n, c, in, ResNet.RESNET50, true, true)));
        MODELS.put("inception_v1", fixed(Inception::build));
        MODELS.put("mobilenet_v1", fixed(MobileNet::build));
        MODELS.put("fcn32s", (n, c, in, o) -> Fcn.build(n, c, in, 32, o));
        MODELS.put("fcn16s", (n, c, in, o) -> Fcn.build(n, c, in, 16, o));
        MODELS.put("fcn8s", (n, c, in, o) -> Fcn.build(n, c, in, 8, o));
        MODELS.put("unet", UNet::build);
        MODELS.put("deeplab", DeepLab::build);
        MODELS.put("ssd", Ssd::build);
        MODELS.put("c3d", fixed(VideoNets::c3d));
        MODELS.put("r3d_18", fixed((n, c, in) -> VideoNets.resnet(n, c, in, false, 64, 2)));
        MODELS.put("r2plus1d_18", fixed((n, c, in) -> VideoNets.resnet(n, c, in, true, 64, 2)));
        MODELS.put("r3d", (n, c, in, o) -> sized(n, c, in, false, o));
        MODELS.put("r2plus1d", (n, c, in, o) -> sized(n, c, in, true, o));
    }

    /** Models over clips (C,T,H,W); every other model takes images (C,H,W). */
    private static final Set<String> VIDEO = Set.of("c3d", "r3d_18", "r2plus1d_18", "r3d", "r2plus1d");

    private static NetworkSpec sized(String name, int classes, Shape input, boolean factored, ZooOptions o) {
        if (o.rates() != null) throw new IllegalArgumentException("zoo model '" + name + "' takes width and depth, no rates");
        return VideoNets.resnet(name, classes, input, factored, o.widthOr(64), o.depthOr(2));
    }

    private ModelZoo() {}

    public static Set<String> names() { return MODELS.keySet(); }

    /**
     * The named model for this many classes and this input shape (C,H,W). Fails with
     * {@link IllegalArgumentException} for an unknown name or too few classes, and with a
     * {@link io.sparkcnn.model.layers.ShapeException} naming the layer when the input is too
     * small for the model.
     */
    public static NetworkSpec build(String name, int classes, Shape input) {
        return build(name, classes, input, ZooOptions.DEFAULTS);
    }

    /** The same with size options (segmentation models: width, depth, dilation rates). */
    public static NetworkSpec build(String name, int classes, Shape input, ZooOptions options) {
        Factory f = MODELS.get(name);
        if (f == null) throw new IllegalArgumentException("unknown zoo model '" + name + "'; known models are " + names());
        if (name.equals("ssd")) {
            // object classes: the detector adds the background
            if (classes < 1) throw new IllegalArgumentException("a detector needs at least 1 object class, got " + classes);
        } else if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        if (VIDEO.contains(name)) {
            if (input == null || input.rank() != 4) {
                throw new IllegalArgumentException("zoo model '" + name + "' takes clips (C,T,H,W), got " + input);
            }
        } else if (input == null || input.rank() != 3) {
            throw new IllegalArgumentException("zoo model '" + name + "' takes images (C,H,W), got " + input);
        }
        return f.build(name, classes, input, options);
    }

    static LossSpec classificationLoss() { return new SoftmaxCrossEntropy(); }
}
