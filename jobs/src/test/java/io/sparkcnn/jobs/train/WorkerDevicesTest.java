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
}
