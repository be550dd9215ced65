package io.sparkcnn.dataprep;

/** What a run did; {@link #message()} is what the CLI prints. */
public record PrepResult(boolean nothingToDo, long runSeq, long unitsNew, long unitsChanged, long unitsDeleted,
                         long rowsWritten, long rejects, long tableVersion, String message) {
}
