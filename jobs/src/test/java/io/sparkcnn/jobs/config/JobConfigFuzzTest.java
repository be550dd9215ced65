package io.sparkcnn.jobs.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any text read as a job config file gives a checked JobConfig that renders and reads back to
 * itself, or the jobs' ConfigException keyed by the setting (or, for a syntax error, the file)
 * with a reason: no Typesafe exception leaks, so the CLI always prints "error: key: reason"
 * and exits 2. See docs/fuzzing.md.
 */
class JobConfigFuzzTest {
    private static final String SOURCE = "fuzz-job.conf";

    @FuzzTest(maxDuration = "4m")
    void parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        JobConfig job;
        try {
            job = JobConfig.parse(text, SOURCE, List.of());
        } catch (ConfigException e) {
            assertFalse(e.key().isBlank(), "no key: " + e.getMessage());
            assertTrue(e.getMessage().startsWith(e.key() + ": ") && e.getMessage().length() > e.key().length() + 2,
                    e.getMessage());
            assertTrue(e.key().equals(SOURCE) || JobSettings.has(e.key()) || e.key().startsWith(JobSettings.TRAINER_PREFIX)
                    || e.key().equals("trainer") || !JobSettings.has(e.key()) && e.getMessage().contains("unknown setting"),
                    "keyed by neither a setting nor the file: " + e.getMessage());
            return;
        }
        assertTrue(JobConfig.parse(job.render(), List.of()).render().equals(job.render()), "render does not read back");
    }
}
