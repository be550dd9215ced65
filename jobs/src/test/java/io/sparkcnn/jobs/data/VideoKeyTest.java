package io.sparkcnn.jobs.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VideoKeyTest {
    @Test
    void kineticsClipKeysGiveTheYoutubeIdAndTimeRangeEvenWithUnderscoresInTheId() {
        assertEquals(new VideoKey("-abc_DEF-12", 10, 20), VideoKey.of("train/abseiling/-abc_DEF-12_000010_000020.mp4"));
        assertEquals(new VideoKey("a_b-c_d-e_f", 0, 10), VideoKey.of("train/air_drumming/a_b-c_d-e_f_000000_000010.mp4"));
        assertEquals(new VideoKey("val-clip_01", 100, 110), VideoKey.of("val/val-clip_01_000100_000110.mp4"), "flat layout");
    }

    @Test
    void otherKeysKeepTheirFileStemAndNoTimes() {
        assertEquals(new VideoKey("clip7", null, null), VideoKey.of("test/clip7.mp4"));
        assertEquals(new VideoKey("short_000001_000002", null, null), VideoKey.of("short_000001_000002.avi"), "id not 11 characters");
    }
}
