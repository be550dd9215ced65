package io.sparkcnn.model.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * LeNet-5 from the zoo learns the real Fashion-MNIST: 3 epochs over the first 20,000
 * training images reach at least 85% on the whole test split. Skipped only when the Debian
 * package dataset-fashion-mnist is not installed (CI installs it).
 */
class FashionMnistTrainingTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void lenetReaches85PercentOnASubset() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnistMain.DEFAULT_DATA), FashionMnistMain.DEFAULT_DATA
                + " is absent: install the Debian package dataset-fashion-mnist to run this test");
        Map<String, Object> training = new LinkedHashMap<>(FashionMnistMain.JOB_DEFAULTS);
        training.put("epochs", 3);
        FashionMnistMain.Result r = FashionMnistMain.run(
                new FashionMnistMain.Options(FashionMnistMain.DEFAULT_DATA, 2, 20_000, 0, "lenet5", false, training), System.out);
        assertTrue(r.test().count() == 10_000, "scored the whole test split");
        assertTrue(r.testAccuracy() >= 0.85, "test accuracy " + r.testAccuracy() + " after " + r.steps() + " steps");
    }
}
