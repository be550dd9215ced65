package io.sparkcnn.jobs.train;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** What the running Spark task was given: its cores, its GPU, its executor. */
public final class TaskResources {
    private TaskResources() {}

    public static int cpus() {
        TaskContext tc = TaskContext.get();
        return tc == null ? 1 : tc.cpus();
    }

    /** The GPU Spark assigned this task (spark.task.resource.gpu.amount), as an OpenCL device index, or -1. */
    public static int gpuIndex() {
        TaskContext tc = TaskContext.get();
        if (tc == null) return -1;
        ResourceInformation gpu = tc.resources().get("gpu").getOrElse(() -> null);
        if (gpu == null || gpu.addresses().length == 0) return -1;
        try {
            return Integer.parseInt(gpu.addresses()[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("GPU address '" + gpu.addresses()[0] + "' from the discovery script is not a device index", e);
        }
    }

    /** The running task's attempt number: 0, or how many attempts of it failed or were lost before. */
    public static int attempt() {
        TaskContext tc = TaskContext.get();
        return tc == null ? 0 : tc.attemptNumber();
    }

    /**
     * Tasks this executor can run at once: spark.executor.cores (or, when unset, as in local
     * mode, the machine's processors) over spark.task.cpus. An upper bound in local[N] mode.
     */
    public static int slots() {
        SparkEnv env = SparkEnv.get();
        int cores = Runtime.getRuntime().availableProcessors();
        if (env == null) return cores;
        int executorCores = env.conf().getInt("spark.executor.cores", cores);
        return Math.max(1, executorCores / Math.max(1, env.conf().getInt("spark.task.cpus", 1)));
    }

    public static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "local" : env.executorId();
    }
}
