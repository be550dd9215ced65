package io.sparkcnn.jobs.data;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;

import java.util.ArrayList;
import java.util.List;

/**
 * Every box of a detection split through {@link DetectionRows#checked} once, on the executors,
 * reading only the object columns and image sizes: a bad row fails the job naming its key before
 * training starts, and the clipped and dropped boxes are counted for the report.
 */
public final class BoxSurvey {
    private static final int BLOCK = 4096;

    private BoxSurvey() {}

    public static BoxCounts run(JavaSparkContext sc, SplitIndex index, DetectionRows rows, int partitions) {
        int parts = (int) Math.max(1, Math.min(partitions, index.rows()));
        SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
        List<Integer> ps = new ArrayList<>();
        for (int p = 0; p < parts; p++) ps.add(p);
        List<BoxCounts> counts = sc.parallelize(ps, parts).map(p -> {
            long n = index.rows(), start = p * n / parts, end = (p + 1) * n / parts;
            ShardRowReader reader = ShardRowReader.objectsOnly(index, conf.value());
            BoxCounts total = BoxCounts.NONE;
            for (long first = start; first < end; first += BLOCK) {
                EncodedRows block = reader.read(first, (int) Math.min(BLOCK, end - first));
                for (int i = 0; i < block.size(); i++) {
                    total = total.plus(BoxCounts.of(block.objLabels[i].length, rows.checked(block, i)));
                }
            }
            return total;
        }).collect();
        BoxCounts total = BoxCounts.NONE;
        for (BoxCounts c : counts) total = total.plus(c);
        return total;
    }
}
