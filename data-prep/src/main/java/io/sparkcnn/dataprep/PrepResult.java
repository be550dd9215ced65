package io.sparkcnn.dataprep;

import java.util.Map;

/**
 * What a run did; {@link #message()} is what the CLI prints. {@code phaseMillis}: wall time per phase in
 * the order they ran (see {@link PhaseTimes}).
 */
public record PrepResult(boolean nothingToDo, long runSeq, long unitsNew, long unitsChanged, long unitsDeleted,
                         long rowsWritten, long rejects, long tableVersion, String message, Map<String, Long> phaseMillis) {
}
