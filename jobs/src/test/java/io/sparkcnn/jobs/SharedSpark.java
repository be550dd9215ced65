package io.sparkcnn.jobs;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One local[2] session per test class (Spark's SharedSparkSession habit), UI off. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SharedSpark {
    protected SparkSession spark;
    protected JavaSparkContext sc;

    @BeforeAll
    void startSpark() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName(getClass().getSimpleName())
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    void stopSpark() {
        if (spark != null) spark.stop();
        io.sparkcnn.jobs.train.ReplicaPool.shared().clear();
    }
}
