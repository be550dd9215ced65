package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.config.JobSettings;
import io.sparkcnn.jobs.config.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkCnnTest {

    private static String[] run(String... args) {
        CommandLine cli = SparkCnn.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void helpListsEverySettingWithItsDefaultAndDescription() {
        String[] r = run("train", "--help");
        assertEquals("0", r[0]);
        String help = r[1];
        assertTrue(help.contains("--resume") && help.contains("--set") && help.contains("--config"), help);
        for (Setting s : JobSettings.ALL) {
            assertTrue(help.contains(s.key()), "help lacks " + s.key());
            assertTrue(help.contains(s.description().substring(0, Math.min(40, s.description().length()))), "help lacks the description of " + s.key());
        }
        assertTrue(help.contains("train.batchSizePerWorker       = 32"), help);
    }

    @Test
    void theTopLevelHelpNamesTheCommands() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("train") && r[1].contains("evaluate") && r[1].contains("predict"), r[1]);
    }

    @Test
    void aBadSettingExitsWithCode2AndNamesItBeforeAnySparkWork(@TempDir Path tmp) {
        String[] r = run("train", "--set", "run.dir=" + tmp.toUri(), "--set", "data.path=" + tmp.toUri(),
                "--set", "train.averagingFrequency=0");
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), r[0]);
        assertTrue(r[2].contains("train.averagingFrequency"), r[2]);
    }

    @Test
    void missingShardsAreReportedAgainstDataPath(@TempDir Path tmp) {
        String[] r = run("evaluate", "-s", "run.dir=" + tmp.toUri(), "-s", "data.path=" + tmp.resolve("nothing").toUri());
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), r[0]);
        assertTrue(r[2].contains("data.path") && r[2].contains("_manifest.json"), r[2]);
    }
}
