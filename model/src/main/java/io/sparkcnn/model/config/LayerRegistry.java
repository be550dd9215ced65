package io.sparkcnn.model.config;

import io.sparkcnn.model.graph.LossSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Add;
import io.sparkcnn.model.layers.BatchNorm;
import io.sparkcnn.model.layers.Concat;
import io.sparkcnn.model.layers.Conv;
import io.sparkcnn.model.layers.ConvTranspose;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Dropout;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.layers.GlobalAvgPool;
import io.sparkcnn.model.layers.LayerSpec;
import io.sparkcnn.model.layers.Pool;
import io.sparkcnn.model.layers.Upsample;
import io.sparkcnn.model.losses.MeanSquaredError;
import io.sparkcnn.model.losses.SigmoidBinaryCrossEntropy;
import io.sparkcnn.model.losses.SmoothL1;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Config type names -> parsers. Each parser reads the same keys that the spec's
 * {@code toConfig()} writes, so that writing a network and reading it back gives the same
 * spec. Optional keys default to PyTorch's defaults. Immutable: {@link #withLayer} and
 * {@link #withLoss} return an extended copy for layer types defined outside the engine.
 */
public final class LayerRegistry {

    /** Builds a layer spec from its config object. */
    @FunctionalInterface
    public interface LayerParser {
        LayerSpec parse(LayerConfig c);
    }

    /** Builds a loss spec from its config object. */
    @FunctionalInterface
    public interface LossParser {
        LossSpec parse(LayerConfig c);
    }

    private static final int[] ONE = {1};
    private static final int[] ZERO = {0};
    private static final LayerRegistry DEFAULTS = createDefaults();

    private final Map<String, LayerParser> layers;
    private final Map<String, LossParser> losses;

    private LayerRegistry(Map<String, LayerParser> layers, Map<String, LossParser> losses) {
        this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        this.losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
    }

    /** Every layer and loss of the engine. */
    public static LayerRegistry defaults() { return DEFAULTS; }

    public LayerRegistry withLayer(String type, LayerParser parser) {
        Map<String, LayerParser> m = new LinkedHashMap<>(layers);
        m.put(type, parser);
        return new LayerRegistry(m, losses);
    }

    public LayerRegistry withLoss(String type, LossParser parser) {
        Map<String, LossParser> m = new LinkedHashMap<>(losses);
        m.put(type, parser);
        return new LayerRegistry(layers, m);
    }

    public Set<String> layerTypes() { return layers.keySet(); }

    public Set<String> lossTypes() { return losses.keySet(); }

    /** The parser for a layer type, or null when the type is unknown. */
    public LayerParser layer(String type) { return layers.get(type); }

    /** The parser for a loss type, or null when the type is unknown. */
    public LossParser loss(String type) { return losses.get(type); }

    private static LayerRegistry createDefaults() {
        Map<String, LayerParser> l = new LinkedHashMap<>();
        l.put("conv1d", c -> conv(1, c));
        l.put("conv2d", c -> conv(2, c));
        l.put("conv3d", c -> conv(3, c));
        l.put("conv_transpose1d", c -> convTranspose(1, c));
        l.put("conv_transpose2d", c -> convTranspose(2, c));
        l.put("conv_transpose3d", c -> convTranspose(3, c));
        l.put("dense", c -> new Dense(positive(c, "units", c.requireInt("units")), c.optBoolean("bias", true)));
        l.put("relu", c -> Activate.relu());
        l.put("leaky_relu", c -> Activate.leakyRelu(c.optFloat("alpha", 0.01f)));
        l.put("sigmoid", c -> Activate.sigmoid());
        l.put("tanh", c -> Activate.tanh());
        l.put("flatten", c -> new Flatten());
        l.put("maxpool2d", c -> pool(true, 2, c));
        l.put("avgpool2d", c -> pool(false, 2, c));
        l.put("maxpool3d", c -> pool(true, 3, c));
        l.put("avgpool3d", c -> pool(false, 3, c));
        l.put("global_avgpool", c -> new GlobalAvgPool());
        l.put("batchnorm", c -> new BatchNorm(c.optFloat("eps", BatchNorm.DEFAULT_EPS),
                c.optFloat("momentum", BatchNorm.DEFAULT_MOMENTUM)));
        l.put("dropout", c -> new Dropout(c.optFloat("p", 0.5f)));
        l.put("add", c -> new Add());
        l.put("concat", c -> new Concat());
        l.put("upsample", LayerRegistry::upsample);

        Map<String, LossParser> s = new LinkedHashMap<>();
        s.put("softmax_cross_entropy", c -> new SoftmaxCrossEntropy(c.optFloats("class_weights"),
                c.optInt("ignore_index", SoftmaxCrossEntropy.NO_IGNORE)));
        s.put("sigmoid_binary_cross_entropy", c -> new SigmoidBinaryCrossEntropy());
        s.put("mean_squared_error", c -> new MeanSquaredError());
        s.put("smooth_l1", c -> new SmoothL1(c.optFloat("beta", SmoothL1.DEFAULT_BETA)));
        s.put("ssd", SsdLossConfig::parse);
        // short names, as PyTorch users write them; the writer uses the full ones above
        s.put("sigmoid_bce", s.get("sigmoid_binary_cross_entropy"));
        s.put("mse", s.get("mean_squared_error"));
        return new LayerRegistry(l, s);
    }

    private static ConvTranspose convTranspose(int dims, LayerConfig c) {
        return new ConvTranspose(dims, positive(c, "filters", c.requireInt("filters")), c.requireInts("kernel"),
                c.optInts("stride", ONE), c.optInts("padding", ZERO), c.optInts("output_padding", ZERO),
                c.optInts("dilation", ONE), c.optInt("groups", 1), c.optBoolean("bias", true));
    }

    /** Stride defaults to the kernel, as in PyTorch; count_include_pad exists for average pooling only. */
    private static Pool pool(boolean max, int dims, LayerConfig c) {
        int[] kernel = c.requireInts("kernel");
        return new Pool(max, dims, kernel, c.optInts("stride", kernel), c.optInts("padding", ZERO),
                max || c.optBoolean("count_include_pad", true));
    }

    /** scale = 2 or scale = [2, 3] (height, width). */
    private static Upsample upsample(LayerConfig c) {
        Upsample.Mode mode = Upsample.mode(c.optChoice("mode", "nearest", "nearest", "bilinear"));
        int[] scale = c.requireInts("scale");
        if (scale.length > 2) throw c.error("scale", "expected one factor or [height, width], got " + scale.length + " values");
        return new Upsample(mode, scale[0], scale[scale.length - 1]);
    }

    private static Conv conv(int dims, LayerConfig c) {
        return new Conv(dims, positive(c, "filters", c.requireInt("filters")), c.requireInts("kernel"),
                c.optInts("stride", ONE), c.optInts("padding", ZERO), c.optInts("dilation", ONE),
                c.optInt("groups", 1), c.optBoolean("bias", true));
    }

    private static int positive(LayerConfig c, String key, int v) {
        if (v <= 0) throw c.error(key, "must be positive, got " + v);
        return v;
    }
}
