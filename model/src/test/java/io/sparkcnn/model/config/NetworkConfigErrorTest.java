package io.sparkcnn.model.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad config fails with a message naming the file, the layer and the key. */
class NetworkConfigErrorTest {
    @TempDir
    Path dir;

    private String failure(String layers) throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "network {\n  name = bad\n  input = [3, 8, 8]\n  layers = [\n" + layers + "\n  ]\n}\n");
        NetworkConfigException e = assertThrows(NetworkConfigException.class, () -> NetworkConfig.read(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + p + "' missing from: " + message);
    }

    @Test
    void unknownLayerType() throws IOException {
        String m = failure("{ type = relu }\n{ type = conv2dd, name = c2, filters = 4, kernel = 3 }");
        assertMentions(m, "layer 2 'c2' (conv2dd)", "key 'type'", "unknown layer type 'conv2dd'", "conv2d", "line 6");
    }

    @Test
    void emptyLayerList() throws IOException {
        assertMentions(failure(""), "key 'layers'", "the list is empty");
        // with a loss, which goes on the last layer (found by NetworkConfigFuzzTest: IndexOutOfBounds)
        Path file = dir.resolve("empty-with-loss.conf");
        Files.writeString(file, "network {\n  input = [1, 8, 8]\n  layers = []\n  loss { type = softmax_cross_entropy }\n}\n");
        NetworkConfigException e = assertThrows(NetworkConfigException.class, () -> NetworkConfig.read(file));
        assertMentions(e.getMessage(), file.toString(), "key 'layers'", "the list is empty");
    }

    @Test
    void unknownKey() throws IOException {
        String m = failure("{ type = conv2d, name = c1, filter = 4, filters = 4, kernel = 3 }");
        assertMentions(m, "layer 1 'c1' (conv2d)", "key 'filter'", "unknown key", "filters");
    }

    @Test
    void keyOfAnotherLayerTypeIsUnknown() throws IOException {
        String m = failure("{ type = maxpool2d, kernel = 2, count_include_pad = false }");
        assertMentions(m, "layer 1 (maxpool2d)", "key 'count_include_pad'", "unknown key");
    }

    @Test
    void missingRequiredKey() throws IOException {
        String m = failure("{ type = relu }\n{ type = relu }\n{ type = conv2d, kernel = 3 }");
        assertMentions(m, "layer 3 (conv2d)", "missing required key 'filters'");
        assertMentions(failure("{ name = x, filters = 4 }"), "layer 1", "missing required key 'type'");
    }

    @Test
    void wrongTypes() throws IOException {
        assertMentions(failure("{ type = conv2d, name = c1, filters = six, kernel = 3 }"),
                "layer 1 'c1' (conv2d)", "key 'filters'", "expected an integer, got string");
        assertMentions(failure("{ type = conv2d, filters = 2.5, kernel = 3 }"), "key 'filters'", "expected an integer");
        assertMentions(failure("{ type = conv2d, filters = 4, kernel = [3, x] }"), "key 'kernel'", "list of integers");
        assertMentions(failure("{ type = conv2d, filters = 4, kernel = 3, bias = 1 }"), "key 'bias'", "true or false");
        assertMentions(failure("{ type = leaky_relu, alpha = [1] }"), "layer 1 (leaky_relu)", "key 'alpha'", "expected a number");
        assertMentions(failure("{ type = upsample, scale = 2, mode = cubic }"), "key 'mode'", "nearest, bilinear");
        assertMentions(failure("{ type = relu, inputs = 3 }"), "key 'inputs'", "a name or a list of names");
        assertMentions(failure("relu"), "layer 1", "expected an object");
    }

    @Test
    void badValuesAreReportedWithTheLayer() throws IOException {
        assertMentions(failure("{ type = conv2d, name = c1, filters = 0, kernel = 3 }"), "layer 1 'c1'", "key 'filters'", "positive");
        assertMentions(failure("{ type = conv2d, name = c1, filters = 4, kernel = [3, 3, 3] }"), "layer 1 'c1'", "kernel has 3 values");
        assertMentions(failure("{ type = dropout, name = d, p = 1.5 }"), "layer 1 'd' (dropout)", "[0, 1)");
    }

    @Test
    void shapesThatDoNotFitNameTheLayerAndShapes() throws IOException {
        String m = failure("{ type = conv2d, name = big, filters = 4, kernel = 11 }");
        assertMentions(m, "layer 'big' (conv2d)", "larger than the padded input", "(3,8,8)");
        String add = failure("{ type = conv2d, name = a, filters = 4, kernel = 3 }\n{ type = add, name = s, inputs = [a, input] }");
        assertMentions(add, "layer 's' (add)", "(4,6,6)", "(3,8,8)");
        String missing = failure("{ type = relu, name = r, inputs = nothere }");
        assertMentions(missing, "layer 'r' (relu)", "'nothere'");
    }

    @Test
    void networkLevelProblems() {
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { input = [3, 8, 8] }", "net.conf")).getMessage(), "net.conf", "'layers'");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { input = [3, 0, 8], layers = [{type = relu}] }", "net.conf")).getMessage(),
                "net.conf: network: key 'input'", "<= 0");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { inputs = [3], layers = [{type = relu}] }", "net.conf")).getMessage(),
                "missing required key 'input'");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { input = [3], layers = [{type = relu}], extra = 1 }", "net.conf")).getMessage(),
                "network: key 'extra'", "unknown key");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { input = [3], layers = [{type = relu}], loss = hinge }", "net.conf")).getMessage(),
                "loss (hinge)", "unknown loss type 'hinge'", "softmax_cross_entropy");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { input = [3], layers = [{type = relu}], loss { type = smooth_l1, b = 1 } }", "n")).getMessage(),
                "loss (smooth_l1)", "key 'b'", "unknown key");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { input = [3, 32, 32], zoo = resnet19, classes = 10 }", "n")).getMessage(),
                "key 'zoo'", "unknown zoo model 'resnet19'", "resnet18");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { input = [3, 32, 32], zoo = resnet18, classes = 10, layers = [] }", "n")).getMessage(),
                "either a zoo model or a list of layers");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read("network { input = [3, 8, 8], layers = [{type = relu}", "broken.conf")).getMessage(),
                "broken.conf");
        assertMentions(assertThrows(NetworkConfigException.class,
                () -> NetworkConfig.read(Path.of("no", "such.conf"))).getMessage(), "such.conf", "no such");
    }
}
