package io.sparkcnn.dataprep;

import org.apache.spark.sql.SparkSession;

/** Session settings the prep jobs need: Delta Lake's SQL extension and catalog. */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession.Builder withDelta(SparkSession.Builder b) {
        return b.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    }

    /** A local session for development and tests: few partitions, no UI. */
    public static SparkSession local(String name, int cores) {
        return withDelta(SparkSession.builder().master("local[" + cores + "]").appName(name))
                .config("spark.ui.enabled", "false")
                .config("spark.locality.wait", "0")
                .config("spark.sql.shuffle.partitions", Integer.toString(cores * 2))
                .config("spark.databricks.delta.snapshotPartitions", Integer.toString(cores))
                .config("spark.sql.adaptive.enabled", "true")
                .getOrCreate();
    }
}
