package io.sparkcnn.jobs.ml;

import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.jobs.eval.InferenceBatches;
import io.sparkcnn.jobs.train.ReplicaPool;
import io.sparkcnn.jobs.train.TaskResources;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.graph.Network;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * transform's work in one partition: the rows a network batch at a time (the last one padded)
 * through the evaluation transform and the engine, each row given back with the scored columns
 * appended. The network is borrowed from this executor's {@link ReplicaPool} (built from the
 * broadcast when none is idle) and given back when the task ends, so later partitions and later
 * transforms of the same model on this executor reuse it.
 */
final class PartitionScorer {
    private PartitionScorer() {}

    /** replicaRun names the model in the pool (one model's replicas evict another's idle ones). */
    static MapPartitionsFunction<Row, Row> of(Broadcast<ClassifierScoring> shipped, String replicaRun, ImageInput input,
                                             ScoredColumns columns) {
        return it -> {
            ClassifierScoring.Parsed p = shipped.value().parsed();
            String key = "transform";
            ReplicaPool pool = ReplicaPool.shared();
            Network borrowed = pool.borrowNetwork(replicaRun, key);
            Network net = borrowed != null ? borrowed : p.model().build(TaskResources.cpus(), TaskResources.gpuIndex());
            TaskContext tc = TaskContext.get();
            boolean[] returned = {false};
            Runnable giveBack = () -> {
                if (!returned[0]) {
                    returned[0] = true;
                    pool.giveBackNetwork(replicaRun, key, net);
                }
            };
            if (tc != null) tc.addTaskCompletionListener((TaskCompletionListener) ctx -> giveBack.run());
            return new Scored(it, net, p, input, columns, tc == null ? giveBack : () -> {});
        };
    }

    /** The output rows, scored a batch ahead of what the caller has taken. */
    private static final class Scored implements Iterator<Row> {
        private final Iterator<Row> in;
        private final ClassifierScoring.Parsed parsed;
        private final ImageInput input;
        private final ScoredColumns columns;
        private final Runnable atEnd;
        private final InferenceBatches batches;
        private final int batch, inputSize, classes, appended;
        private final float[] inputs;
        private final ImageCodec codec = new ImageCodec();
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private long seen;

        Scored(Iterator<Row> in, Network net, ClassifierScoring.Parsed parsed, ImageInput input, ScoredColumns columns,
               Runnable atEnd) {
            this.in = in;
            this.parsed = parsed;
            this.input = input;
            this.columns = columns;
            this.atEnd = atEnd;
            this.batches = new InferenceBatches(net);
            this.batch = net.batch();
            this.inputSize = parsed.transform().inputSize();
            this.classes = parsed.classes();
            this.appended = columns.count();
            this.inputs = new float[batch * inputSize];
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && in.hasNext()) scoreNextBatch();
            if (ready.isEmpty()) atEnd.run();
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return ready.poll();
        }

        private void scoreNextBatch() {
            Row[] rows = new Row[batch];
            EncodedRows encoded = new EncodedRows(seen, batch);
            int n = 0;
            while (n < batch && in.hasNext()) {
                rows[n] = in.next();
                input.fill(rows[n], encoded, n, "row " + (seen + n), codec);
                parsed.transform().eval(encoded, n, inputs, n * inputSize);
                n++;
            }
            seen += n;
            int count = n;
            batches.run(inputs, count, (start, m, logits) -> {
                for (int i = 0; i < m; i++) {
                    Row r = rows[start + i];
                    Object[] values = new Object[r.size() + appended];
                    for (int f = 0; f < r.size(); f++) values[f] = r.get(f);
                    columns.values(logits, i * classes, classes, values, r.size());
                    ready.add(RowFactory.create(values));
                }
            });
        }
    }
}
