package io.sparkcnn.jobs.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/configuration.md's settings section is exactly the table generated from JobSettings. */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void theSettingsSectionIsTheGeneratedTable() throws IOException {
        String doc = Files.readString(DOC);
        String expected = ConfigurationDoc.regenerate(doc);
        if (Boolean.getBoolean("regenerateDocs") && !expected.equals(doc)) Files.writeString(DOC, expected);
        else assertEquals(expected, doc, "docs/configuration.md differs from JobSettings; regenerate it with "
                + "mvn -q -B -pl jobs -am test -Dtest=ConfigurationDocTest -Dsurefire.failIfNoSpecifiedTests=false -DregenerateDocs=true");
    }

    @Test
    void regeneratingReplacesOnlyTheSettingsSection() {
        String doc = "# Title\n\nintro\n\n## Settings\n\n| stale | row |\n\n## After\n\nkept\n";
        String out = ConfigurationDoc.regenerate(doc);
        assertTrue(out.startsWith("# Title\n\nintro\n\n## Settings\n" + ConfigurationDoc.table()), out);
        assertTrue(out.endsWith("\n## After\n\nkept\n"), out);
        assertTrue(!out.contains("stale"), out);
        // a changed description is a difference the test sees
        assertNotEquals(doc, out);
        assertEquals(out, ConfigurationDoc.regenerate(out));
    }
}
