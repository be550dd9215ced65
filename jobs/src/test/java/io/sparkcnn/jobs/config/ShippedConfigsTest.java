package io.sparkcnn.jobs.config;

import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.model.detect.SsdLoss;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.task.DetectionTask;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every file in conf/ loads, passes the checks and builds its network. */
class ShippedConfigsTest {

    @Test
    void everyShippedConfigIsValidAndBuildsItsNetwork() {
        File[] files = new File("../conf").listFiles((d, n) -> n.endsWith(".conf"));
        assertTrue(files != null && files.length >= 3, "conf/ holds the job configs");
        for (File f : files) {
            JobConfig c = JobConfig.load(f, List.of());
            NetworkSpec net = JobPlan.network(c);
            // a detector's output is per anchor: its classes are those of its ssd loss head
            boolean detector = net.heads().size() == 1 && net.heads().get(0).loss() instanceof SsdLoss;
            int classes = detector ? DetectionTask.of(net).classes() : net.shapes().get(net.outputNode().name()).channels();
            assertEquals(c.integer("model.classes"), classes, f.getName());
        }
    }
}
