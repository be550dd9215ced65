package io.sparkcnn.jobs.eval;

import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.data.SegmentationRows;
import io.sparkcnn.model.augment.PairGeometry;
import io.sparkcnn.model.augment.PairedTransform;
import io.sparkcnn.model.data.CityscapesLabels;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.SegmentationPngs;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.task.SegmentationTask;
import io.sparkcnn.model.task.TrainingTask;
import io.sparkcnn.model.tensor.Shape;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One executor's segmentation predictions: forward passes in the network's batch, the task's
 * per-pixel argmax, the mask scaled back (nearest) to the stored image's size, and per image
 * a trainId PNG under {@link SegmentationPngs#TRAIN_IDS}, a Cityscapes labelId PNG under
 * {@link SegmentationPngs#LABEL_IDS} (19 train classes only: other class sets have no labelIds)
 * and optionally a colour overlay under {@link SegmentationPngs#OVERLAY}, each named after
 * the row key's file stem and written complete-or-absent ({@link CompleteFiles}).
 */
final class MaskPredictions {
    private final InferenceBatches batches;
    private final TrainingTask task;
    private final SegmentationRows examples;
    private final Shape output;
    private final FileSystem fs;
    private final Path root;
    private final boolean overlay;
    private final double alpha;
    private final int classes;
    private final int[] predicted;
    private long written;

    MaskPredictions(Network net, TrainingTask task, SegmentationRows examples, FileSystem fs, Path root, boolean overlay,
                    double alpha) {
        this.batches = new InferenceBatches(net);
        this.task = task;
        this.examples = examples;
        this.output = DistributedScoring.outputShape(net);
        this.fs = fs;
        this.root = root;
        this.overlay = overlay;
        this.alpha = alpha;
        this.classes = output.channels();
        this.predicted = new int[net.batch() * task.predictionSize(output)];
    }

    long written() { return written; }

    void write(EvalRows.Block b) {
        batches.run(b, (start, rows, logits) -> {
            task.predict(output, logits, 0, rows, predicted, 0);
            for (int i = 0; i < rows; i++) write(b.rows(), start + i, i);
        });
    }

    private void write(EncodedRows rows, int row, int i) {
        int h = output.dim(1), w = output.dim(2), plane = h * w;
        int storedW = rows.widths[row], storedH = rows.heights[row];
        int[] mask = new int[storedW * storedH];
        int[] atInput = java.util.Arrays.copyOfRange(predicted, i * plane, (i + 1) * plane);
        PairedTransform.mask(PairGeometry.resize(w, h, storedW, storedH), atInput, 0, mask, 0, SegmentationTask.IGNORE);
        GrayImage trainIds = new GrayImage(storedW, storedH, mask);
        String name = SegmentationPngs.fileName(rows.keys[row]);
        try {
            CompleteFiles.write(fs, new Path(new Path(root, SegmentationPngs.TRAIN_IDS), name),
                    SegmentationPngs.trainIdPng(trainIds, classes));
            if (classes == CityscapesLabels.TRAIN_CLASSES) {
                CompleteFiles.write(fs, new Path(new Path(root, SegmentationPngs.LABEL_IDS), name),
                        SegmentationPngs.cityscapesLabelIdPng(trainIds));
            }
            if (overlay) {
                CompleteFiles.write(fs, new Path(new Path(root, SegmentationPngs.OVERLAY), name),
                        SegmentationPngs.overlayPng(examples.image(rows, row), trainIds, palette(classes), alpha));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the prediction of " + rows.keys[row] + " under " + root, e);
        }
        written++;
    }

    /** Cityscapes' colours for up to 19 classes, then evenly spread hues. */
    static int[] palette(int classes) {
        int[] city = CityscapesLabels.trainIdPalette();
        int[] p = new int[classes];
        for (int c = 0; c < classes; c++) {
            p[c] = c < city.length ? city[c] : java.awt.Color.HSBtoRGB((c * 0.618034f) % 1f, 0.8f, 0.9f) & 0xffffff;
        }
        return p;
    }
}
