package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.ShardColumn;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Executor side: turns one unit row into outcome rows (shard rows and rejects). A unit that yields
 * nothing, or a reader that throws, becomes a reject: the job never dies on bad data.
 */
final class UnitProcessor implements FlatMapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final DatasetReader reader;
    private final PrepOptions options;
    private final SerializableConf conf;
    private final long runSeq;
    private transient DatasetFs fs;
    private transient ImagePipeline pipeline;

    UnitProcessor(DatasetReader reader, PrepOptions options, SerializableConf conf, long runSeq) {
        this.reader = reader;
        this.options = options;
        this.conf = conf;
        this.runSeq = runSeq;
    }

    @Override
    public Iterator<Row> call(Row unitRow) throws IOException {
        if (fs == null) {
            fs = new DatasetFs(options.input(), conf.get());
            pipeline = new ImagePipeline(options);
        }
        SourceUnit unit = UnitRows.fromRow(unitRow);
        Collector c = new Collector(reader.task(), unit, unit.fingerprint(), runSeq);
        try {
            reader.process(unit, fs, pipeline, options, c);
        } catch (RuntimeException e) {
            c.reject(unit.id(), "internal", "reader failed: " + e);
        }
        if (c.rows.isEmpty()) {
            c.reject(unit.id(), "read", "source produced no rows and no rejects");
        }
        return c.rows.iterator();
    }

    /** Builds outcome rows in {@link SparkSchemas#outcome} order. */
    static final class Collector implements Emitter {
        final List<Row> rows = new ArrayList<>();
        boolean any;
        private final List<ShardColumn> targetCols;
        private final SourceUnit unit;
        private final String fp;
        private final long runSeq;
        private final int width;

        Collector(Task task, SourceUnit unit, String fp, long runSeq) {
            this.targetCols = ShardSchema.targets(task);
            this.unit = unit;
            this.fp = fp;
            this.runSeq = runSeq;
            this.width = ShardSchema.columns(task).size() - 1 + 3; // minus shuffle_key, plus reject columns
        }

        @Override
        public void row(String key, ProcessedImage img, Map<String, Object> targets) {
            Object[] v = new Object[width];
            int i = 0;
            v[i++] = key;
            v[i++] = unit.split();
            v[i++] = unit.id();
            v[i++] = fp;
            v[i++] = runSeq;
            v[i++] = img.payload();
            v[i++] = img.encoding();
            v[i++] = img.height();
            v[i++] = img.width();
            v[i++] = img.channels();
            v[i++] = boxed(img.stats().sum());
            v[i++] = boxed(img.stats().sumSq());
            v[i++] = img.stats().count();
            for (ShardColumn c : targetCols) {
                if (!targets.containsKey(c.name()) && !c.nullable()) {
                    throw new IllegalArgumentException("reader gave no value for target column " + c.name());
                }
                v[i++] = external(targets.get(c.name()));
            }
            rows.add(RowFactory.create(v));
        }

        @Override
        public void reject(String source, String stage, String reason) {
            Object[] v = new Object[width];
            v[0] = source;
            v[1] = unit.split();
            v[2] = unit.id();
            v[3] = fp;
            v[4] = runSeq;
            v[width - 3] = source;
            v[width - 2] = stage;
            v[width - 1] = reason == null ? "unknown" : reason;
            rows.add(RowFactory.create(v));
        }

        private static Object boxed(double[] a) {
            return external(Arrays.stream(a).boxed().toList());
        }

        /** Row encoders want Scala sequences for array columns. */
        private static Object external(Object v) {
            return v instanceof List<?> l ? CollectionConverters.asScala(l).toSeq() : v;
        }
    }
}
