package io.sparkcnn.jobs.train;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Sums the workers' vectors in a tree whose shape and order depend only on W and the depth:
 * at each level, group g sums the parts of workers [g*f, (g+1)*f) in ascending order, on an
 * executor; the driver sums the last level's parts, again in order. Spark's own
 * treeAggregate merges partial results in the order tasks finish, so float sums would differ
 * from run to run; this one does not. Each level moves one vector per part.
 */
public final class TreeSum {
    private TreeSum() {}

    /** The fan-in per level for W parts and a tree of the given depth (depth 1: all on the driver). */
    public static int fanIn(int parts, int depth) {
        if (depth <= 1) return Math.max(2, parts);
        return Math.max(2, (int) Math.ceil(Math.pow(parts, 1.0 / depth) - 1e-9));
    }

    /** The number of executor-side levels before the driver's final sum. */
    public static int levels(int parts, int depth) {
        int f = fanIn(parts, depth);
        int n = parts, levels = 0;
        while (worthALevel(n, f)) {
            n = (n + f - 1) / f;
            levels++;
        }
        return levels;
    }

    /**
     * Another executor level pays when the driver would otherwise receive more parts than the
     * level's fan-in plus the parts left after it (treeAggregate's rule).
     */
    private static boolean worthALevel(int n, int f) { return n > f + (n + f - 1) / f; }

    /** Sums one output per partition of {@code outputs}; the result holds every worker's stats. */
    public static WorkerOutput sum(JavaRDD<WorkerOutput> outputs, int depth) {
        int parts = outputs.getNumPartitions();
        int f = fanIn(parts, depth);
        JavaRDD<WorkerOutput> level = outputs;
        int n = parts;
        int stride = 1; // workers covered by one part at this level
        while (worthALevel(n, f)) {
            int groups = (n + f - 1) / f;
            int groupStride = stride * f;
            JavaPairRDD<Integer, WorkerOutput> keyed = level.mapToPair(o -> new Tuple2<>(o.first() / groupStride, o));
            level = keyed.partitionBy(new GroupPartitioner(groups))
                    .mapPartitions(TreeSum::sumPartition);
            n = groups;
            stride = groupStride;
        }
        List<WorkerOutput> top = level.collect();
        return WorkerOutput.sumInOrder(top);
    }

    private static Iterator<WorkerOutput> sumPartition(Iterator<Tuple2<Integer, WorkerOutput>> it) {
        List<WorkerOutput> parts = new ArrayList<>();
        while (it.hasNext()) parts.add(it.next()._2());
        if (parts.isEmpty()) return Collections.emptyIterator();
        return List.of(WorkerOutput.sumInOrder(parts)).iterator();
    }

    /** Group g goes to partition g. */
    static final class GroupPartitioner extends Partitioner {
        private final int groups;

        GroupPartitioner(int groups) { this.groups = groups; }

        @Override
        public int numPartitions() { return groups; }

        @Override
        public int getPartition(Object key) { return (Integer) key; }

        @Override
        public boolean equals(Object o) { return o instanceof GroupPartitioner g && g.groups == groups; }

        @Override
        public int hashCode() { return groups; }
    }
}
