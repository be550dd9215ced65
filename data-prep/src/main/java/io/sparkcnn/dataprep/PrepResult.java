package io.sparkcnn.dataprep;

import java.util.Map;

/**
 * What a run did; {@link #message()} is what the CLI prints. {@code inputs} counts the input records
 * the run processed (rows + objects inside rows + rejects): what the reject fraction is taken of.
 * {@code phaseMillis}: wall time per phase in the order they ran (see {@link PhaseTimes}).
 */
public record PrepResult(boolean nothingToDo, long runSeq, long unitsNew, long unitsChanged, long unitsDeleted,
                         long rowsWritten, long rejects, long tableVersion, String message, long inputs,
                         Map<String, Long> phaseMillis) {
}
