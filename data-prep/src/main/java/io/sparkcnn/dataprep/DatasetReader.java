package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.Task;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One dataset layout. {@link #list} runs on the driver and only lists and stats files;
 * {@link #process} runs on executors, one unit at a time, and never throws for bad data:
 * everything wrong becomes a reject.
 */
public interface DatasetReader extends Serializable {
    Task task();

    /** The units found under the root, sorted by id. Throws only when the root cannot be read. */
    List<SourceUnit> list(DatasetFs fs) throws IOException;

    /** Class index to name, for the manifest (empty for tasks without classes). */
    Map<Integer, String> classes(DatasetFs fs) throws IOException;

    void process(SourceUnit unit, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out);
}
