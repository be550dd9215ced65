package io.sparkcnn.jobs.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerDevicesTest {
    private static WorkerStats on(int worker, String executor, String backend, String device) {
        return new WorkerStats(worker, executor, 1, 0.5, 64, 0, 0, 0, null, backend, device);
    }

    @Test
    void eachWorkersDeviceIsToldOnceAndAgainWhenItChanges() {
        WorkerDevices d = new WorkerDevices();
        List<WorkerStats> round = List.of(on(0, "1", "cpu", "CPU, 4 threads"), on(1, "2", "opencl", "OpenCL pocl / cpu"));
        assertEquals(List.of("worker 0 (executor 1) runs on backend cpu: CPU, 4 threads",
                "worker 1 (executor 2) runs on backend opencl: OpenCL pocl / cpu"), d.news(round));
        assertEquals(List.of(), d.news(round), "the same workers on the same devices: nothing new");
        assertEquals(List.of("worker 1 (executor 3) runs on backend cpu: CPU, 4 threads"),
                d.news(List.of(on(0, "1", "cpu", "CPU, 4 threads"), on(1, "3", "cpu", "CPU, 4 threads"))));
    }

    @Test
    void aResumedRunWarnsOnceForEachWorkerWhoseArithmeticChangedNamingBoth() {
        String oneThread = "CPU, 1 threads, BLAS JNIBLAS (native libopenblasp-r0.3.21.so), OPENBLAS_NUM_THREADS=1";
        String twoThreads = "CPU, 1 threads, BLAS JNIBLAS (native libopenblasp-r0.3.21.so), OPENBLAS_NUM_THREADS=2";
        WorkerDevices d = new WorkerDevices(java.util.Map.of(0, "cpu: " + oneThread, 1, "cpu: " + oneThread), 40);
        List<String> lines = d.news(List.of(on(0, "1", "cpu", oneThread), on(1, "2", "cpu", twoThreads)));
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("worker 1 (executor 2) runs on backend cpu: " + twoThreads, lines.get(1));
        assertEquals("WARNING: worker 1 ran on cpu: " + oneThread + " in round 40, before the resume, and on cpu: " + twoThreads
                + " now: training goes on, but the results will differ in their low bits from an uninterrupted run's"
                + " (docs/jobs.md, Determinism)", lines.get(2));
        assertEquals(List.of("worker 1 (executor 3) runs on backend cpu: " + twoThreads),
                d.news(List.of(on(0, "1", "cpu", oneThread), on(1, "3", "cpu", twoThreads))), "warned once, not per executor");
    }
}
