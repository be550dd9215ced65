package io.sparkcnn.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Any bytes read as an idx image or label file (plain or gzipped) give the records the header
 * declares, or an IdxFormatException naming the file: no other exception, no array sized from
 * the header before the bytes are there. See docs/fuzzing.md.
 */
class IdxReaderFuzzTest {
    private static final String IMAGES = "fuzz-images-idx3-ubyte";
    private static final String LABELS = "fuzz-labels-idx1-ubyte";

    @FuzzTest(maxDuration = "4m")
    void images(byte[] bytes) throws IOException {
        try {
            IdxReader.Images im = IdxReader.readImages(new ByteArrayInputStream(bytes), IMAGES);
            assertEquals((long) im.count() * im.rows() * im.cols(), im.pixels().length);
        } catch (IdxFormatException e) {
            assertTrue(e.getMessage().startsWith(IMAGES + ": "), e.getMessage());
        }
        try {
            byte[] labels = IdxReader.readLabels(new ByteArrayInputStream(bytes), LABELS);
            assertTrue(labels.length <= bytes.length || bytes[0] == 0x1f, "labels beyond the input in a plain file");
        } catch (IdxFormatException e) {
            assertTrue(e.getMessage().startsWith(LABELS + ": "), e.getMessage());
        }
    }
}
