package io.sparkcnn.jobs.train;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
     * Tasks this executor can run at once: its cores over spark.task.cpus, the cores being N
     * of local[N] in local mode, else spark.executor.cores (the machine's processors when unset).
     */
    public static int slots() {
        SparkEnv env = SparkEnv.get();
        int processors = Runtime.getRuntime().availableProcessors();
        if (env == null) return processors;
        Matcher local = LOCAL_MASTER.matcher(env.conf().get("spark.master", ""));
        int cores = !local.matches() ? env.conf().getInt("spark.executor.cores", processors)
                : local.group(1) == null ? 1 : local.group(1).equals("*") ? processors : Integer.parseInt(local.group(1));
        return Math.max(1, cores / Math.max(1, env.conf().getInt("spark.task.cpus", 1)));
    }

    /** local, local[N], local[*], local[N, maxFailures]. */
    private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\s*\\d+)?\\])?");

    public static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "local" : env.executorId();
    }
}
