package io.sparkcnn.jobs.eval;

import io.sparkcnn.jobs.data.VideoKey;
import io.sparkcnn.model.graph.Network;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * predict on video rows: each row's clips (consecutive in the block, clipsPerRow of them) through
 * the network, their softmax probabilities averaged (the video's scores, as video accuracy takes
 * them), the k best classes with their names and mean probabilities, by the row's source video
 * ({@link VideoKey}: youtube_id, time_start, time_end).
 */
final class VideoPredictions {
    static final StructType SCHEMA = new StructType()
            .add("key", DataTypes.StringType, false)
            .add("youtube_id", DataTypes.StringType, false)
            .add("time_start", DataTypes.IntegerType, true)
            .add("time_end", DataTypes.IntegerType, true)
            .add("label", DataTypes.IntegerType, false)
            .add("predicted", DataTypes.IntegerType, false)
            .add("top_classes", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("top_labels", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("top_scores", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private final InferenceBatches batches;
    private final int classes, k, clipsPerRow;
    private final List<String> names;

    /** names: class index -> label name (the manifest's; the index itself where it has none). */
    VideoPredictions(Network net, int topK, int clipsPerRow, List<String> names) {
        this.batches = new InferenceBatches(net);
        this.classes = net.outputSize();
        this.k = Math.min(topK, classes);
        this.clipsPerRow = clipsPerRow;
        this.names = names;
    }

    void score(EvalRows.Block b, List<Row> out) {
        double[] mean = new double[b.size() * classes];
        batches.run(b.inputs(), b.size() * clipsPerRow, (start, n, logits) -> {
            for (int i = 0; i < n; i++) {
                int row = (start + i) / clipsPerRow;
                addSoftmax(logits, i * classes, classes, 1.0 / clipsPerRow, mean, row * classes);
            }
        });
        for (int r = 0; r < b.size(); r++) out.add(row(b, r, mean, r * classes));
    }

    /** scale * softmax(logits[off..off+classes)) added into dst[dstOff..]; in double. */
    static void addSoftmax(float[] logits, int off, int classes, double scale, double[] dst, int dstOff) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int c = 0; c < classes; c++) max = Math.max(max, logits[off + c]);
        for (int c = 0; c < classes; c++) sum += Math.exp(logits[off + c] - max);
        for (int c = 0; c < classes; c++) dst[dstOff + c] += scale * Math.exp(logits[off + c] - max) / sum;
    }

    private Row row(EvalRows.Block b, int r, double[] p, int off) {
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) order[c] = c;
        java.util.Arrays.sort(order, (x, y) -> p[off + y] != p[off + x] ? Double.compare(p[off + y], p[off + x]) : Integer.compare(x, y));
        Integer[] top = new Integer[k];
        String[] labels = new String[k];
        Float[] scores = new Float[k];
        for (int j = 0; j < k; j++) {
            top[j] = order[j];
            labels[j] = order[j] < names.size() ? names.get(order[j]) : String.valueOf(order[j]);
            scores[j] = (float) p[off + order[j]];
        }
        String key = b.rows().keys[r];
        VideoKey v = VideoKey.of(key);
        return RowFactory.create(key, v.youtubeId(), v.timeStart(), v.timeEnd(), b.rows().labels[r], top[0], top, labels, scores);
    }
}
