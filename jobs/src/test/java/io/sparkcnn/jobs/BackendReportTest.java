package io.sparkcnn.jobs;

import io.sparkcnn.jobs.cli.SparkCnn;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.backend.opencl.OpenClDevices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend and device each worker ran on reach the driver and the metrics; and
 * backend.kind=opencl on a device the program cannot compile for stops the job with the reason
 * (exit 2, "error: backend.kind: ..."), not a run on the CPU.
 */
class BackendReportTest extends SharedSpark {
    @TempDir
    static Path tmp;
    private String data;
    private Path network;

    @BeforeAll
    void writeData() throws IOException {
        data = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 200, 40);
        network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, TinyShards.networkConfig());
    }

    private List<String> settings(String run, String backend) {
        return List.of("run.dir=" + tmp.resolve(run).toUri(), "data.path=" + data, "model.file=" + network,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=3", "train.maxRounds=2", "backend.kind=" + backend, "train.progress=off",
                "train.evaluateAtEnd=false");
    }

    @Test
    void everyRoundsMetricsNameEachWorkersBackendAndDevice() throws IOException {
        JobConfig cfg = JobConfig.load(null, settings("cpu", "cpu"));
        TrainJob.run(spark, JobPlan.prepare(cfg, sc.hadoopConfiguration()), false);
        List<String> lines = Files.readAllLines(tmp.resolve("cpu/metrics/rounds-000000000001.jsonl"));
        assertEquals(2, lines.size());
        for (String line : lines) {
            assertTrue(line.contains("{\"worker\":0,") && line.contains("{\"worker\":1,"), line);
            assertEquals(2, line.split("\"backend\":\"cpu\",\"device\":\"CPU, ", -1).length - 1, line);
        }
    }

    @Test
    void openClThatCannotCompileStopsTheJobWithTheReason() throws Exception {
        Assumptions.assumeFalse(OpenClDevices.all().isEmpty(), "no OpenCL device (pocl) on this machine");
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Xmx1g"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SparkCnn.class.getName(), "train"));
        for (String s : settings("opencl", "opencl")) cmd.addAll(List.of("--set", s));
        cmd.addAll(List.of("--set", "train.workers=1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // pocl reports this as its largest work-group: the OpenCL program's GEMM tiles need 256 (OpenClFallbackTest)
        pb.environment().put("POCL_MAX_WORK_GROUP_SIZE", "64");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM finished");
        assertEquals(2, p.exitValue(), out);
        String error = out.lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
        assertTrue(error.startsWith("error: backend.kind: ") && error.contains("backend.kind=opencl")
                && error.contains("work-group"), out);
        assertFalse(Files.exists(tmp.resolve("opencl/checkpoints")), "nothing was trained");
    }
}
