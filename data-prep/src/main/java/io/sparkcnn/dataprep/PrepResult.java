package io.sparkcnn.dataprep;

/**
 * What a run did; {@link #message()} is what the CLI prints. {@code inputs} counts the input records
 * the run processed (rows + objects inside rows + rejects): what the reject fraction is taken of.
 */
public record PrepResult(boolean nothingToDo, long runSeq, long unitsNew, long unitsChanged, long unitsDeleted,
                         long rowsWritten, long rejects, long tableVersion, String message, long inputs) {

    public PrepResult(boolean nothingToDo, long runSeq, long unitsNew, long unitsChanged, long unitsDeleted,
                      long rowsWritten, long rejects, long tableVersion, String message) {
        this(nothingToDo, runSeq, unitsNew, unitsChanged, unitsDeleted, rowsWritten, rejects, tableVersion, message,
                rowsWritten + rejects);
    }
}
