package io.sparkcnn.dataprep.readers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sparkcnn.dataprep.PrepOptions;
import io.sparkcnn.model.data.EncodingPolicy;
import java.io.ByteArrayInputStream;

/**
 * data-prep's idx reader: any pair of byte strings as images and labels files (plain or gzipped)
 * gives rows and rejects that each name a file or record, never an exception, and allocates no
 * record the header declares before its bytes are there. See docs/fuzzing.md.
 */
class IdxReaderFuzzTest {
    private static final String IMAGES = "train-images-idx3-ubyte";
    private static final String LABELS = "train-labels-idx1-ubyte";

    @FuzzTest(maxDuration = "4m")
    void pair(FuzzedDataProvider data) {
        boolean raw = data.consumeBoolean();
        byte[] images = data.consumeBytes(data.consumeInt(0, 1 << 16));
        byte[] labels = data.consumeRemainingAsBytes();
        PrepOptions options = PrepOptions.defaults("mnist", "in", "out");
        if (raw) {
            options = options.withEncoding(EncodingPolicy.RAW);
        }
        FuzzContract.Collecting out = new FuzzContract.Collecting(IMAGES, LABELS);
        new IdxReader(IdxReader.DIGITS).readPair(new ByteArrayInputStream(images), new ByteArrayInputStream(labels),
                IMAGES, LABELS, options, out);
        assertTrue(out.rows.size() + out.rejects.size() > 0, "neither a row nor a reject");
    }
}
