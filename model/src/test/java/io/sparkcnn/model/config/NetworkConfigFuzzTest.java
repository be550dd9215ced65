package io.sparkcnn.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sparkcnn.model.graph.NetworkSpec;
import java.nio.charset.StandardCharsets;

/**
 * Any text read as a network config gives a network spec that writes back to an equal spec, or
 * a NetworkConfigException naming the file: no Typesafe, shape or arithmetic exception leaks,
 * nothing is allocated for the network. See docs/fuzzing.md.
 */
class NetworkConfigFuzzTest {
    private static final String SOURCE = "fuzz.conf";

    @FuzzTest(maxDuration = "4m")
    void read(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        NetworkSpec spec;
        try {
            spec = NetworkConfig.read(text, SOURCE);
        } catch (NetworkConfigException e) {
            assertTrue(e.getMessage().contains(SOURCE), e.getMessage());
            return;
        }
        assertTrue(spec.paramCount() >= 0);
        assertEquals(NetworkConfig.writeJson(spec), NetworkConfig.writeJson(NetworkConfig.read(NetworkConfig.writeJson(spec))));
    }
}
