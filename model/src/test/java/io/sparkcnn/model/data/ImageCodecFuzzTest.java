package io.sparkcnn.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes given to the image codec end in a decoded image whose size is the one the header
 * declared, or in a RejectedException with a stage and a reason: never another exception.
 * Regression mode (a plain build) replays ImageCodecFuzzTestInputs/; see docs/fuzzing.md.
 */
class ImageCodecFuzzTest {
    private static final ImageCodec CODEC = new ImageCodec();

    @FuzzTest(maxDuration = "4m")
    void decode(byte[] bytes) {
        ImageInfo info;
        try {
            info = CODEC.probe(bytes);
        } catch (RejectedException e) {
            assertTyped(e);
            return;
        }
        assertTrue(info.width() > 0 && info.height() > 0, "probe accepted size " + info);
        try {
            DecodedImage d = CODEC.decode(bytes);
            assertEquals(info, d.info());
            assertEquals(3L * info.width() * info.height(), d.image().pixels().length);
        } catch (RejectedException e) {
            assertTyped(e);
        }
        try {
            GrayImage g = CODEC.decodeGray(bytes);
            assertEquals((long) g.width() * g.height(), g.values().length);
        } catch (RejectedException e) {
            assertTyped(e);
        }
    }

    /** The few header fields read by hand: any bytes, any length, no exception. */
    @FuzzTest(maxDuration = "3m")
    void jpegMarkers(byte[] bytes) {
        JpegMarkers m = JpegMarkers.parse(bytes);
        assertNotNull(m);
        JpegMarkers.isJpeg(bytes);
    }

    static void assertTyped(RejectedException e) {
        assertNotNull(e.stage());
        assertFalse(e.stage().isBlank(), "a reject names its stage");
        assertNotNull(e.reason());
        assertFalse(e.reason().isBlank(), "a reject gives its reason");
    }
}
