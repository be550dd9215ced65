package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.model.data.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands docs/data-prep.md shows work as written. Its fenced {@code bash} blocks are commands a user
 * types in the checkout: each runs here verbatim, from the dist that deploy/build-dist.sh made, except that
 * a block's leading {@code INPUT=}/{@code OUTPUT=} lines (the user's own paths) point at a tiny dataset of
 * the block's kind and a temporary output, and {@code bash deploy/build-dist.sh}, which deploy/run-tests.sh
 * runs before the Maven build, is not repeated. {@code sh} blocks are installation steps as root (crontab,
 * systemctl): the files they name must exist, and ScheduledPrepTest runs what they schedule. The option
 * list in the docs is the CLI's own --help.
 */
class DocumentedPrepCommandsTest {
    private static final Pattern BLOCK = Pattern.compile("(?m)^```(bash|sh)\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern KIND = Pattern.compile("PrepCli \\S+ ([a-z-]+) ");

    @TempDir
    Path tmp;

    record Block(String lang, String text) {
    }

    static List<Block> blocks(Path doc) throws IOException {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(doc));
        while (m.find()) {
            out.add(new Block(m.group(1), m.group(2)));
        }
        return out;
    }

    @Test
    void theOptionListIsTheCliHelp() throws IOException {
        String doc = Files.readString(Dist.root().resolve("docs/data-prep.md"));
        String usage = new CommandLine(new PrepCli()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(doc.contains("```text\n" + usage + "```"), "docs/data-prep.md must show PrepCli --help as it is:\n" + usage);
    }

    @Test
    void installStepsNameFilesThatExist() throws IOException {
        Path root = Dist.root();
        List<Block> install = blocks(root.resolve("docs/data-prep.md")).stream().filter(b -> b.lang().equals("sh")).toList();
        assertFalse(install.isEmpty(), "docs/data-prep.md shows how to install the schedule");
        Matcher m = Pattern.compile("deploy/[\\w./@-]+").matcher(String.join("\n", install.stream().map(Block::text).toList()));
        int named = 0;
        while (m.find()) {
            assertTrue(Files.exists(root.resolve(m.group())), "docs/data-prep.md names " + m.group() + ", which is not in the checkout");
            named++;
        }
        assertTrue(named >= 3, "the install steps name the crontab, the env example and the systemd units");
    }

    @Test
    void everyBashBlockRunsAsWrittenOnATinyDataset() throws Exception {
        Path dist = Dist.dist();
        Path root = Dist.root();
        List<Block> commands = blocks(root.resolve("docs/data-prep.md")).stream().filter(b -> b.lang().equals("bash")).toList();
        assertFalse(commands.isEmpty(), "docs/data-prep.md has runnable commands");
        int ran = 0;
        for (int i = 0; i < commands.size(); i++) {
            String text = commands.get(i).text();
            if (text.strip().equals("bash deploy/build-dist.sh")) {
                assertTrue(Files.readString(root.resolve("deploy/run-tests.sh")).contains("\nbash deploy/build-dist.sh\n"),
                        "deploy/run-tests.sh builds the dist the docs tell users to build");
                continue;
            }
            Matcher k = KIND.matcher(text);
            assertTrue(k.find(), "cannot tell the dataset kind of block " + i + ":\n" + text);
            Path in = tmp.resolve("in-" + i);
            long rows = ScheduledPrepTest.writeTinyDataset(k.group(1), in);
            Path out = tmp.resolve("out-" + i);
            String script = text.replaceFirst("(?m)^INPUT=.*$", "INPUT=" + in.toUri())
                    .replaceFirst("(?m)^OUTPUT=.*$", "OUTPUT=" + out.toUri());
            assertTrue(script.contains("INPUT=" + in.toUri()) && script.contains("OUTPUT=" + out.toUri()),
                    "block " + i + " sets INPUT= and OUTPUT= on lines of their own:\n" + text);
            Path home = Files.createDirectories(tmp.resolve("home-" + i));
            Dist.Run r = Dist.bash(script, Dist.env(dist, home), tmp.resolve("block-" + i + ".out"), 900);
            assertEquals(0, r.exit(), "docs/data-prep.md block " + i + " failed:\n" + script + "\n---\n" + r.output());
            try (InputStream m = Files.newInputStream(out.resolve(Manifest.FILE_NAME))) {
                long written = Manifest.read(m).splits().values().stream().mapToLong(Manifest.SplitCounts::rows).sum();
                assertEquals(rows, written, r.output());
            }
            ran++;
        }
        assertTrue(ran > 0, "no prep command of docs/data-prep.md ran");
    }
}
