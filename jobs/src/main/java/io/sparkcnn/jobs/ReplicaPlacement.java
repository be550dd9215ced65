package io.sparkcnn.jobs;

import io.sparkcnn.jobs.config.ConfigException;
import org.apache.spark.SparkConf;

/**
 * Refuses Spark settings that would run several CPU model replicas in one executor JVM (they
 * would fight over its cores and its memory): one training task per executor using all of
 * its cores (spark.task.cpus = spark.executor.cores, BigDL's choice), or one task per GPU
 * with one GPU per executor (the JVM's heap and cores then serve that one replica).
 * Local mode runs every worker in one JVM by design and is accepted for development.
 */
public final class ReplicaPlacement {
    private ReplicaPlacement() {}

    /** Returns a one-line description of the placement, or throws naming the Spark setting to change. */
    public static String check(SparkConf conf, String backendKind) {
        String master = conf.get("spark.master", "local[*]");
        if (master.startsWith("local")) {
            return "local mode (" + master + "): every worker's replica runs in the driver JVM";
        }
        double taskGpus = conf.getDouble("spark.task.resource.gpu.amount", 0);
        if (taskGpus > 0) {
            if (backendKind.equals("cpu")) {
                throw new ConfigException("backend.kind", "tasks are given GPUs (spark.task.resource.gpu.amount=" + taskGpus
                        + ") but the backend is cpu; use opencl or auto");
            }
            double execGpus = conf.getDouble("spark.executor.resource.gpu.amount", 0);
            if (taskGpus != 1 || execGpus != 1) {
                throw new ConfigException("spark.executor.resource.gpu.amount", "set spark.executor.resource.gpu.amount=1 and "
                        + "spark.task.resource.gpu.amount=1 (got " + execGpus + " and " + taskGpus + "): one training task "
                        + "per executor drives one GPU, the executor's cores and heap serving its replica and data block");
            }
        }
        if (!conf.contains("spark.executor.cores")) {
            throw new ConfigException("spark.executor.cores", "must be set on a cluster (with spark.task.cpus equal to it), so "
                    + "that each executor runs exactly one training task; without it a standalone executor takes every core of "
                    + "its worker and runs one model replica per core");
        }
        int cores = conf.getInt("spark.executor.cores", 1);
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        if (taskCpus != cores) {
            throw new ConfigException("spark.task.cpus", "spark.executor.cores=" + cores + " and spark.task.cpus=" + taskCpus
                    + " would run " + Math.max(1, cores / taskCpus) + " model replicas in one executor JVM; set spark.task.cpus="
                    + cores + " (one training task per executor using all its cores)");
        }
        return "one training task per executor, " + cores + " cores each" + (taskGpus > 0 ? ", one GPU each" : "");
    }
}
