package io.sparkcnn.dataprep;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.sparkcnn.model.data.ShardSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Deterministic shuffle and sizing: shuffle_key = xxhash64(key, seed); a split of B bytes gets
 * ceil(B / target) shards, a row goes to shard pmod(shuffle_key, n) of its split and rows are
 * sorted by shuffle_key inside a shard. Same input + seed = same shards, one split per file.
 */
final class ShardLayout {
    private static final String PART = "_shard";

    private ShardLayout() {
    }

    /** Number of shards per split for the given payload bytes. */
    static Map<String, Integer> shardCounts(Map<String, Long> bytesPerSplit, long targetBytes) {
        Map<String, Integer> m = new TreeMap<>();
        bytesPerSplit.forEach((s, b) -> m.put(s, (int) Math.max(1, (b + targetBytes - 1) / targetBytes)));
        return m;
    }

    /** Adds the shuffle key and lays rows out as one Spark partition per shard, sorted. */
    static Dataset<Row> layout(SparkSession spark, Dataset<Row> rows, long seed, Map<String, Integer> counts, StructType shardSchema) {
        Dataset<Row> keyed = rows.withColumn(ShardSchema.SHUFFLE_KEY, xxhash64(col(ShardSchema.KEY), lit(seed)));
        Map<String, Integer> offsets = new LinkedHashMap<>();
        int total = 0;
        for (var e : counts.entrySet()) {
            offsets.put(e.getKey(), total);
            total += e.getValue();
        }
        Column shard = null;
        for (var e : counts.entrySet()) {
            Column c = lit(offsets.get(e.getKey())).plus(pmod(col(ShardSchema.SHUFFLE_KEY), lit((long) e.getValue())).cast("int"));
            Column cond = col(ShardSchema.SPLIT).equalTo(e.getKey());
            shard = shard == null ? when(cond, c) : shard.when(cond, c);
        }
        String[] names = shardSchema.fieldNames();
        Column[] cols = new Column[names.length + 1];
        for (int i = 0; i < names.length; i++) {
            cols[i] = col(names[i]);
        }
        cols[names.length] = (shard == null ? lit(0) : shard.otherwise(lit(0))).as(PART);
        Dataset<Row> withPart = keyed.select(cols);
        int partIdx = names.length;
        int n = Math.max(1, total);
        JavaRDD<Row> placed = withPart.javaRDD()
                .mapToPair(r -> new Tuple2<>(r.getInt(partIdx), r))
                .partitionBy(new Exact(n))
                .values();
        return spark.createDataFrame(placed, withPart.schema()).drop(PART)
                .sortWithinPartitions(ShardSchema.SHUFFLE_KEY, ShardSchema.KEY);
    }

    /** Partition i holds key i: one shard per partition. */
    static final class Exact extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int n;

        Exact(int n) {
            this.n = n;
        }

        @Override
        public int numPartitions() {
            return n;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }
}
