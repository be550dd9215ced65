package io.sparkcnn.dataprep.readers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sparkcnn.dataprep.Emitter;
import io.sparkcnn.dataprep.ProcessedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the data-prep fuzz targets check of a reader's typed errors and rejects (docs/fuzzing.md). */
final class FuzzContract {
    private FuzzContract() {
    }

    /** The reader's own error: names the file, gives a reason, is no bare parser exception. */
    static void assertNamesFile(SourceFormatException e, String source) {
        assertTrue(e.getMessage().startsWith(source + ": "), e.getMessage());
        assertTrue(e.getMessage().length() > source.length() + 2, "no reason: " + e.getMessage());
    }

    /** A record-level failure (the caller names the record): a reason, and not Jackson's exception passed on. */
    static void assertReason(Exception e) {
        assertFalse(e instanceof JsonProcessingException, "Jackson's exception leaks: " + e);
        assertNotNull(e.getMessage(), "no reason: " + e);
        assertFalse(e.getMessage().isBlank(), "no reason: " + e);
    }

    /** An Emitter that keeps what a reader emitted and checks each reject names one of the sources. */
    static final class Collecting implements Emitter {
        final List<String> sources;
        final List<String> rows = new ArrayList<>();
        final List<String[]> rejects = new ArrayList<>();

        Collecting(String... sources) {
            this.sources = List.of(sources);
        }

        @Override
        public void row(String key, ProcessedImage image, Map<String, Object> targets) {
            assertNamed(key);
            assertNotNull(image);
            rows.add(key);
        }

        @Override
        public void reject(String source, String stage, String reason) {
            assertNamed(source);
            assertTrue(stage != null && !stage.isBlank(), "reject of " + source + " without a stage");
            assertTrue(reason != null && !reason.isBlank(), "reject of " + source + " without a reason");
            rejects.add(new String[] {source, stage, reason});
        }

        private void assertNamed(String source) {
            assertTrue(sources.stream().anyMatch(source::startsWith), source + " names none of " + sources);
        }
    }
}
