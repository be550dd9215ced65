package io.sparkcnn.jobs.train;

import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.Backends;
import io.sparkcnn.model.backend.cpu.CpuConvChoice;

import java.io.Serializable;

/**
 * The backend each executor builds: backend.kind (auto|opencl|cpu), strictness, CPU
 * threads (0: the task's spark.task.cpus) and how the CPU backend convolves (backend.cpuConv). With Spark GPU scheduling the task's GPU address
 * is the device index; without it, the first device of the kind.
 */
public record BackendChoice(String kind, boolean strict, int threads, String cpuConv) implements Serializable {

    /** With backend.cpuConv=auto. */
    public BackendChoice(String kind, boolean strict, int threads) { this(kind, strict, threads, "auto"); }

    /** deviceIndex: the OpenCL device of the task's GPU, or -1 for the first device. */
    public Backend create(int taskCpus, int deviceIndex) {
        int t = threads > 0 ? threads : Math.max(1, taskCpus);
        // Aparapi's OpenCL platform enumeration crashes the JVM (SIGSEGV in getPlatforms) when two
        // threads run it at once; OpenClDevices now probes once per JVM under a lock shared by every
        // class loader. This lock only keeps the tasks of one executor making backends one at a time.
        synchronized (BackendChoice.class) {
            return Backends.create(kind, Math.max(0, deviceIndex), strict, t, CpuConvChoice.parse(cpuConv));
        }
    }

    /**
     * The backend.* settings. backend.kind=opencl asks for the device: a program that does not
     * compile there stops the job with the reason instead of training on the CPU; auto may fall
     * back (unless backend.strict), and the workers report the device they ran on.
     */
    public static BackendChoice of(JobConfig cfg) {
        String kind = cfg.string("backend.kind");
        return new BackendChoice(kind, cfg.bool("backend.strict") || "opencl".equalsIgnoreCase(kind.trim()),
                cfg.integer("backend.threads"), cfg.string("backend.cpuConv"));
    }
}
