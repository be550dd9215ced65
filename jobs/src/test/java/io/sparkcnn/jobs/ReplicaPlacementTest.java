package io.sparkcnn.jobs;

import io.sparkcnn.jobs.config.ConfigException;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaPlacementTest {
    private static SparkConf cluster() { return new SparkConf(false).set("spark.master", "spark://h:7077"); }

    @Test
    void oneTaskPerExecutorUsingAllItsCoresIsAccepted() {
        String s = ReplicaPlacement.check(cluster().set("spark.executor.cores", "8").set("spark.task.cpus", "8"), "cpu");
        assertTrue(s.contains("one training task per executor"), s);
        assertTrue(ReplicaPlacement.check(new SparkConf(false).set("spark.master", "local[4]"), "cpu").contains("local"));
    }

    @Test
    void severalCpuReplicasInOneExecutorAreRefusedWithTheReason() {
        ConfigException e = assertThrows(ConfigException.class, () ->
                ReplicaPlacement.check(cluster().set("spark.executor.cores", "8").set("spark.task.cpus", "2"), "cpu"));
        assertEquals("spark.task.cpus", e.key());
        assertTrue(e.getMessage().contains("4 model replicas in one executor JVM"), e.getMessage());
        assertEquals("spark.executor.cores", assertThrows(ConfigException.class,
                () -> ReplicaPlacement.check(cluster(), "cpu")).key());
    }

    @Test
    void gpusGoOnePerExecutorAndNotToTheCpuBackend() {
        SparkConf twoGpus = cluster().set("spark.executor.cores", "4").set("spark.task.cpus", "4")
                .set("spark.executor.resource.gpu.amount", "2").set("spark.task.resource.gpu.amount", "1");
        assertEquals("spark.executor.resource.gpu.amount",
                assertThrows(ConfigException.class, () -> ReplicaPlacement.check(twoGpus, "opencl")).key());
        SparkConf oneGpu = twoGpus.clone().set("spark.executor.resource.gpu.amount", "1");
        assertTrue(ReplicaPlacement.check(oneGpu, "opencl").contains("one GPU each"));
        assertEquals("backend.kind", assertThrows(ConfigException.class, () -> ReplicaPlacement.check(oneGpu, "cpu")).key());
    }
}
