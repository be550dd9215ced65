package io.sparkcnn.model.layers;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.sparkcnn.model.layers.NetworkGradientCheck.check;
import static io.sparkcnn.model.layers.NetworkGradientCheck.labels;

/**
 * The segmentation zoo's building blocks in one graph against the double reference and
 * finite differences: a dilated convolution layer, a 2x2 stride-2 transposed convolution
 * (U-Net's up step) with a concat skip, nearest upsampling by 2 and an FCN-style add skip,
 * into per-pixel cross-entropy with ignored pixels.
 */
class SegmentationGraphGradientTest {
    @Test
    void dilatedConvTransposedUpsamplingAndSkips() {
        NetworkSpec spec = NetworkSpec.builder("seg-blocks", Shape.of(2, 6, 6))
                .add("enc", Conv.conv2d(3, 3, 1, 1))
                .add("act", Activate.tanh())
                .add("down", Pool.max2d(2))                                     // (3,3,3)
                .add("atrous", Conv.conv2d(3, 3, 1, 2).withDilation(2))        // dilation 2, padding 2 keeps 3x3
                .add("bn", new BatchNorm())
                .add("up", ConvTranspose.convTranspose2d(2, 2, 2, 0, 0))        // (2,6,6)
                .add("cat", new Concat(), "up", "act")                          // (5,6,6)
                .add("score", Conv.conv2d(3, 1, 1, 0))
                .add("coarse", Conv.conv2d(3, 1, 1, 0), "down")
                .add("near", Upsample.nearest(2))                               // (3,6,6)
                .add("fuse", new Add(), "score", "near")
                .loss(new SoftmaxCrossEntropy(null, 255))
                .build();
        check(spec, 2, 21, labels(2 * 36, 3, 255), n -> Map.of());
    }
}
