package io.sparkcnn.dataprep;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Session settings the prep jobs need: Delta Lake's SQL extension and catalog. */
public final class SparkSessions {
    /**
     * Delta rebuilds a table's state (its list of live files) as a Spark job of this many tasks, 50 by
     * default, once per table per run. A prep table has one commit per run and at most a few thousand
     * files, so one task does it; 50 cost seconds of task overhead each time (measured, docs/data-prep.md).
     */
    static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

    private SparkSessions() {
    }

    public static SparkSession.Builder withDelta(SparkSession.Builder b) {
        b.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        // a value given to spark-submit (--conf) wins
        if (!new SparkConf().contains(SNAPSHOT_PARTITIONS)) {
            b.config(SNAPSHOT_PARTITIONS, "1");
        }
        return b;
    }

    /** A local session for development and tests: few partitions, no UI. */
    public static SparkSession local(String name, int cores) {
        return withDelta(SparkSession.builder().master("local[" + cores + "]").appName(name))
                .config("spark.ui.enabled", "false")
                .config("spark.locality.wait", "0")
                .config("spark.sql.shuffle.partitions", Integer.toString(cores * 2))
                .config("spark.sql.adaptive.enabled", "true")
                .getOrCreate();
    }
}
