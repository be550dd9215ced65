package io.sparkcnn.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Any bytes read as a checkpoint give a checkpoint or a CheckpointException naming the source:
 * no other exception, no array sized from a length before its bytes are there. {@link #resealed}
 * first rewrites every section CRC it can find, so the fuzzer gets past the CRC checks into
 * the sections' contents (spec text, counts, optimizer state). See docs/fuzzing.md.
 */
class CheckpointReaderFuzzTest {
    private static final String SOURCE = "fuzz.ckpt";

    @FuzzTest(maxDuration = "4m")
    void raw(byte[] bytes) throws IOException {
        read(bytes);
    }

    @FuzzTest(maxDuration = "4m")
    void resealed(byte[] bytes) throws IOException {
        read(reseal(bytes.clone()));
    }

    private static void read(byte[] bytes) throws IOException {
        try {
            Checkpoint c = CheckpointReader.read(new ByteArrayInputStream(bytes), SOURCE);
            assertEquals(c.network().paramCount(), c.params().length);
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().startsWith("checkpoint " + SOURCE + ": "), e.getMessage());
        }
    }

    /** Walks tag/length/payload/crc from offset 12 as far as the bytes go and rewrites each CRC. */
    static byte[] reseal(byte[] b) {
        long at = 12;
        while (at + 12 <= b.length) {
            long length = ByteBuffer.wrap(b, (int) at + 4, 8).getLong();
            if (length < 0 || length > b.length - at - 16) break; // written so that a huge length cannot wrap
            CRC32 crc = new CRC32();
            crc.update(b, (int) at, (int) (12 + length));
            ByteBuffer.wrap(b, (int) (at + 12 + length), 4).putInt((int) crc.getValue());
            at += 12 + length + 4;
        }
        return b;
    }
}
