package io.sparkcnn.dataprep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Wall time of a run's phases in the order they ran (listing, ledger, processing, commits, manifest),
 * so a run's log and result say where its fixed cost went.
 */
final class PhaseTimes {
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Ends the current phase under {@code name} (time since the previous lap or construction). */
    void lap(String name) {
        long now = System.nanoTime();
        millis.merge(name, (now - last) / 1_000_000, Long::sum);
        last = now;
    }

    Map<String, Long> asMap() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(millis));
    }

    /** e.g. {@code list 0.4 s, ledger 1.2 s, manifest 0.8 s}. */
    static String format(Map<String, Long> phases) {
        return phases.entrySet().stream()
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue() / 1000.0))
                .collect(Collectors.joining(", "));
    }
}
