package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.ShardSchema;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One local[2] session with Delta per test class (Spark's SharedSparkSession habit). */
public abstract class SparkTestBase {
    protected static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.local("data-prep-test", 2);
        spark.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    /** Content of a shard table as comparable strings: key|split|label|sha256(image). */
    protected static Set<String> content(String output, boolean labelled) {
        Set<String> out = new TreeSet<>();
        var df = new ShardTable(spark, output).readShards();
        var cols = labelled
                ? df.select(ShardSchema.KEY, ShardSchema.SPLIT, ShardSchema.LABEL, ShardSchema.IMAGE)
                : df.select(ShardSchema.KEY, ShardSchema.SPLIT, ShardSchema.SPLIT, ShardSchema.IMAGE);
        for (Row r : cols.collectAsList()) {
            out.add(r.getString(0) + "|" + r.getString(1) + "|" + r.get(2) + "|" + sha((byte[]) r.get(3)));
        }
        return out;
    }

    protected static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
