package io.sparkcnn.model.detect;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sparkcnn.model.metrics.CocoBox;
import io.sparkcnn.model.metrics.CocoCategories;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a COCO results file, the list pycocotools' {@code COCO.loadRes} reads:
 * {@code [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}, ...]} with the dataset's original
 * category ids. Streams image by image; {@link #close} ends the list (and closes the stream). The box
 * numbers are the doubles {@link CocoBox} gives, written so that they read back exactly, so
 * pycocotools evaluates the very boxes {@link io.sparkcnn.model.metrics.CocoMatches} did.
 */
public final class CocoResultsWriter implements Closeable {
    private static final JsonFactory JSON = new JsonFactory();
    private final JsonGenerator out;
    private final CocoCategories categories;
    private long written;

    public CocoResultsWriter(OutputStream stream, CocoCategories categories) throws IOException {
        this.categories = categories;
        this.out = JSON.createGenerator(stream, JsonEncoding.UTF8);
        out.writeStartArray();
    }

    /** Appends one image's detections (labels are class indices, written as their COCO category ids). */
    public void write(long imageId, Detections d) throws IOException {
        for (int i = 0; i < d.count(); i++) {
            float x1 = d.x1(i), y1 = d.y1(i), x2 = d.x2(i), y2 = d.y2(i), score = d.score(i);
            if (!(Float.isFinite(x1) && Float.isFinite(y1) && Float.isFinite(x2) && Float.isFinite(y2) && x2 >= x1
                    && y2 >= y1 && Float.isFinite(score))) {
                throw new IllegalArgumentException("image " + imageId + " detection " + i + ": box (" + x1 + ", " + y1 + ", "
                        + x2 + ", " + y2 + ") score " + score + " cannot go in a COCO results file");
            }
            int category = categories.id(d.label(i)); // before writing: a refused detection leaves no half object
            out.writeStartObject();
            out.writeNumberField("image_id", imageId);
            out.writeNumberField("category_id", category);
            out.writeArrayFieldStart("bbox");
            out.writeNumber((double) x1);
            out.writeNumber((double) y1);
            out.writeNumber(CocoBox.extent(x1, x2));
            out.writeNumber(CocoBox.extent(y1, y2));
            out.writeEndArray();
            out.writeNumberField("score", (double) score);
            out.writeEndObject();
            written++;
        }
    }

    /** Detections written so far. */
    public long written() { return written; }

    @Override
    public void close() throws IOException {
        out.writeEndArray();
        out.close();
    }
}
