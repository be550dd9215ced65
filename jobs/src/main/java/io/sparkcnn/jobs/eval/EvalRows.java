package io.sparkcnn.jobs.eval;

import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.data.RowExamples;
import io.sparkcnn.jobs.data.ShardRowReader;
import io.sparkcnn.jobs.data.SplitIndex;
import org.apache.hadoop.conf.Configuration;

import java.util.function.Consumer;

/**
 * Walks partition p of P of a split in row order, a block at a time: rows [p*N/P, (p+1)*N/P),
 * each block decoded with the deterministic evaluation transform into a batch of inputs.
 */
final class EvalRows {
    /** One block: its rows, their inputs (n * inputSize) and targets (n * targetSize floats: labels, masks). */
    record Block(EncodedRows rows, float[] inputs, float[] labels) {
        int size() { return rows.size(); }
    }

    private EvalRows() {}

    static void forEach(SplitIndex index, Configuration conf, RowExamples examples, int partition, int partitions,
                        int blockRows, Consumer<Block> sink) {
        long n = index.rows();
        long start = partition * n / partitions, end = (partition + 1) * n / partitions;
        ShardRowReader reader = new ShardRowReader(index, conf, examples.kind());
        int size = examples.inputSize(), targetSize = examples.targetSize();
        for (long first = start; first < end; first += blockRows) {
            int count = (int) Math.min(blockRows, end - first);
            EncodedRows rows = reader.read(first, count);
            float[] x = new float[count * size];
            float[] y = new float[count * targetSize];
            for (int i = 0; i < count; i++) examples.eval(rows, i, x, i * size, y, i * targetSize);
            sink.accept(new Block(rows, x, y));
        }
    }
}
