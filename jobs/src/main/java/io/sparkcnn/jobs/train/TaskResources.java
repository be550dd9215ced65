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

    public static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "local" : env.executorId();
    }
}
