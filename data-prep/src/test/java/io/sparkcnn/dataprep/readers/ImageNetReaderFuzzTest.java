package io.sparkcnn.dataprep.readers;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * ImageNet's label files: any bytes as the devkit's meta.mat give ILSVRC2012_ID -> wnid or a
 * SourceFormatException naming the file (no buffer, index or array-size exception, no zip bomb
 * inflated, no unbounded nesting); any text as LOC_val_solution.csv or the validation ground
 * truth gives labels, never an exception. See docs/fuzzing.md.
 */
class ImageNetReaderFuzzTest {
    private static final Map<Integer, String> IDS = Map.of(1, "n01440764", 2, "n01443537");

    @FuzzTest(maxDuration = "4m")
    void metaMat(byte[] bytes) throws IOException {
        try {
            Map<Integer, String> m = ImageNetReader.idToWnid(bytes, ImageNetReader.META);
            m.values().forEach(w -> assertNotNull(w));
        } catch (SourceFormatException e) {
            FuzzContract.assertNamesFile(e, ImageNetReader.META);
        }
    }

    @FuzzTest(maxDuration = "3m")
    void labelFiles(byte[] bytes) {
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        Map<String, String> solution = ImageNetReader.solutionLabels(lines);
        solution.forEach((id, wnid) -> assertTrue(!wnid.isEmpty(), id));
        Map<String, String> truth = ImageNetReader.groundTruthLabels(lines, IDS);
        truth.forEach((id, wnid) -> assertTrue(id.startsWith("ILSVRC2012_val_") && !wnid.isEmpty(), id));
    }
}
