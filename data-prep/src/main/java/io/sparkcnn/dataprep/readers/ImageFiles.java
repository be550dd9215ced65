package io.sparkcnn.dataprep.readers;

import io.sparkcnn.dataprep.DatasetFs;
import io.sparkcnn.dataprep.Emitter;
import io.sparkcnn.dataprep.ImagePipeline;
import io.sparkcnn.dataprep.PrepOptions;
import io.sparkcnn.dataprep.ProcessedImage;
import io.sparkcnn.model.data.RejectedException;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Shared by the image readers: read one file, run the pipeline, emit a row or a reject. */
final class ImageFiles {
    /** Extensions listed as images; content decides the format, the name only decides what is listed. */
    static final Set<String> EXTENSIONS = Set.of("jpeg", "jpg", "png", "bmp", "gif");

    private ImageFiles() {
    }

    static boolean isImageName(String path) {
        int dot = path.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Reads and processes {@code rel}; null (after emitting a reject) when it is refused. */
    static ProcessedImage load(String rel, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out) {
        byte[] bytes;
        try {
            bytes = fs.readAll(rel, options.maxFileBytes());
        } catch (DatasetFs.EscapeException e) {
            out.reject(rel, "path", e.getMessage());
            return null;
        } catch (IOException e) {
            out.reject(rel, "read", "cannot read: " + e.getMessage());
            return null;
        }
        try {
            return pipeline.process(bytes);
        } catch (RejectedException e) {
            out.reject(rel, e.stage(), e.reason());
            return null;
        }
    }

    static void emit(String rel, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out,
                     Map<String, Object> targets) {
        ProcessedImage p = load(rel, fs, pipeline, options, out);
        if (p != null) {
            out.row(rel, p, targets);
        }
    }
}
