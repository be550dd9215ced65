package io.sparkcnn.jobs.train;

import io.sparkcnn.jobs.data.ClassificationRows;
import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.data.EpochOrder;
import io.sparkcnn.jobs.data.ImageTransform;
import io.sparkcnn.jobs.data.RowExamples;
import io.sparkcnn.jobs.data.Mix;
import io.sparkcnn.jobs.data.ShardRowReader;
import io.sparkcnn.jobs.data.SplitIndex;
import io.sparkcnn.jobs.data.WorkerChunks;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Minibatches from data-prep's Parquet shards: worker w reads its own chunk of the split
 * ({@link WorkerChunks}) in a seeded block order ({@link EpochOrder}), one block of encoded
 * rows in memory, decoding and augmenting each example with a generator seeded by
 * (seed, epoch, row).
 */
public final class ShardSource implements TrainingSource {
    private static final long serialVersionUID = 1L;

    private final SplitIndex index;
    private final RowExamples examples;
    private final int blockRows;
    private final SerializableConfiguration hadoopConf;
    /** Feeds are cached per executor under this run's token: another run's transform never serves this one. */
    private final String runToken = java.util.UUID.randomUUID().toString();

    /** Classification rows through transform; labels outside the model's classes are errors. */
    public ShardSource(SplitIndex index, ImageTransform transform, int blockRows, int classes,
                       SerializableConfiguration hadoopConf) {
        this(index, new ClassificationRows(transform, classes), blockRows, hadoopConf);
    }

    /** Rows of any task, made into examples by examples (the plan's {@code trainExamples()}). */
    public ShardSource(SplitIndex index, RowExamples examples, int blockRows, SerializableConfiguration hadoopConf) {
        this.index = index;
        this.examples = examples;
        this.blockRows = blockRows;
        this.hadoopConf = hadoopConf;
    }

    @Override
    public long stepsPerEpoch(int workers, int batch) { return new WorkerChunks(index.rows(), workers, batch).stepsPerEpoch(); }

    @Override
    public String id() {
        return "shards:" + index.split() + ":" + index.rows() + ":" + runToken;
    }

    @Override
    public BatchFeed open(int worker, int workers, int batch, long seed) {
        return new Feed(worker, new WorkerChunks(index.rows(), workers, batch), batch, seed);
    }

    private final class Feed implements BatchFeed {
        private final int worker;
        private final WorkerChunks chunks;
        private final int batch;
        private final long seed;
        private final ShardRowReader reader;
        private long orderEpoch = -1;
        private EpochOrder order;
        private int loadedBlock = -1;
        private EncodedRows rows;
        private int[] rowOrder;

        Feed(int worker, WorkerChunks chunks, int batch, long seed) {
            this.worker = worker;
            this.chunks = chunks;
            this.batch = batch;
            this.seed = seed;
            this.reader = new ShardRowReader(index, hadoopConf.value(), examples.kind());
        }

        @Override
        public void fill(long epoch, long step, float[] inputs, float[] targets) {
            int chunk = chunks.chunkOf(worker, epoch);
            if (epoch != orderEpoch) {
                order = new EpochOrder(chunks.chunkStart(chunk), chunks.chunkRows(chunk), blockRows,
                        EpochOrder.seedFor(seed, epoch, chunk), true);
                orderEpoch = epoch;
                loadedBlock = -1;
            }
            int size = examples.inputSize(), targetSize = examples.targetSize();
            for (int i = 0; i < batch; i++) {
                long position = step * batch + i;
                int visit = order.visitOf(position);
                int block = order.blockAt(visit);
                if (block != loadedBlock) {
                    rows = reader.read(order.blockFirstRow(block), order.blockSize(block));
                    rowOrder = order.rowOrder(block, true);
                    loadedBlock = block;
                }
                int r = rowOrder[(int) (position - order.visitStart(visit))];
                long splitRow = rows.firstRow + r;
                examples.train(rows, r, Mix.mix(Mix.mix(seed, epoch), splitRow), inputs, i * size, targets, i * targetSize);
            }
        }

        @Override
        public void close() {
            rows = null;
            rowOrder = null;
            loadedBlock = -1;
        }
    }
}
