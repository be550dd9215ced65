package io.sparkcnn.dataprep.readers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Kinetics annotation CSV: any bytes give rows that either name a clip file or carry a stage and
 * a reason under their own id {@code <csv>#line=N}. No exception. See docs/fuzzing.md.
 */
class KineticsReaderFuzzTest {
    private static final String CSV = "annotations/fuzz.csv";

    @FuzzTest(maxDuration = "4m")
    void csv(byte[] bytes) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
        for (KineticsReader.Row r : KineticsReader.parseCsv(CSV, in)) {
            assertTrue(r.badId().startsWith(CSV + "#line="), r.badId());
            if (r.error() != null) {
                assertFalse(r.error().isBlank());
                assertNotNull(r.stage());
            } else {
                assertTrue(KineticsReader.SPLITS.containsKey(r.split()), r.split());
                assertFalse(r.label().isEmpty());
                assertTrue(r.fileName().endsWith(".mp4") && !r.fileName().contains("/"), r.fileName());
            }
        }
    }
}
