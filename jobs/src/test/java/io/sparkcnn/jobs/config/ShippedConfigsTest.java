package io.sparkcnn.jobs.config;

import io.sparkcnn.jobs.JobPlan;
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
            var net = JobPlan.network(c);
            assertEquals(c.integer("model.classes"), net.shapes().get(net.outputNode().name()).channels(), f.getName());
        }
    }
}
