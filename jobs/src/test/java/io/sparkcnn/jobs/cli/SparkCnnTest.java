package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.config.JobSettings;
import io.sparkcnn.jobs.config.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.Task;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertTrue(r[1].contains("train") && r[1].contains("evaluate") && r[1].contains("predict") && r[1].contains("explain"), r[1]);
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

    @Test
    void aConfigFileWithASyntaxErrorExitsWithCode2NamingTheFileAndLine(@TempDir Path tmp) throws IOException {
        Path conf = tmp.resolve("broken.conf");
        Files.writeString(conf, "train {\n  workers = 2\n  epochs = [1, \n");
        String[] r = run("train", "--config", conf.toString());
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), r[0], r[2]);
        assertTrue(r[2].startsWith("error: " + conf + ": "), r[2]);
        assertTrue(r[2].matches("(?s)error: \\S+: [0-9]+: .+"), r[2]);
        assertFalse(r[2].contains("\tat ") || r[2].contains("com.typesafe"), "a stack trace: " + r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
    }

    @Test
    void aBatchTooLargeForTheSplitIsRefusedBeforeTheRunDirectoryExists(@TempDir Path tmp) throws IOException {
        // a manifest is all the plan reads: 10 training rows, and 2 workers x batch 8 need 16
        Path data = tinyManifest(tmp, 10, 1);
        Path runDir = tmp.resolve("run");
        String[] r = run("train", "-s", "run.dir=" + runDir.toUri(), "-s", "data.path=" + data.toUri(),
                "-s", "model.classes=2", "-s", "train.workers=2", "-s", "train.batchSizePerWorker=8");
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), r[0], r[2]);
        assertTrue(r[2].contains("train.batchSizePerWorker") && r[2].contains("needs at least 16"), r[2]);
        assertFalse(Files.exists(runDir), "the refused run left " + runDir);
    }

    @Test
    void aBatchWhoseActivationsNoArrayHoldsIsRefusedBeforeTheRunDirectoryExists(@TempDir Path tmp) throws IOException {
        // ResNet-50 at 224 pixels: 302 MB of activations per example, at most 28 per replica
        Path data = tinyManifest(tmp, 1000, 3);
        Path runDir = tmp.resolve("run");
        String[] common = {"-s", "run.dir=" + runDir.toUri(), "-s", "data.path=" + data.toUri(), "-s", "model.zoo=resnet50",
                "-s", "model.input=[3,224,224]", "-s", "model.classes=2", "-s", "train.workers=2"};
        String[] train = run(concat(new String[] {"train"}, common, new String[] {"-s", "train.batchSizePerWorker=32"}));
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), train[0], train[2]);
        assertTrue(train[2].contains("train.batchSizePerWorker") && train[2].contains("use a smaller batch"), train[2]);
        String[] eval = run(concat(new String[] {"train"}, common, new String[] {"-s", "train.batchSizePerWorker=16",
                "-s", "eval.batchSize=100"}));
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), eval[0], eval[2]);
        assertTrue(eval[2].contains("eval.batchSize") && eval[2].contains("use a smaller batch"), eval[2]);
        assertFalse(Files.exists(runDir), "the refused run left " + runDir);
    }

    @Test
    void explainsOptionsAreSettingsCheckedBeforeAnySparkWork(@TempDir Path tmp) throws IOException {
        Path data = tinyManifest(tmp, 10, 1);
        String[] common = {"-s", "run.dir=" + tmp.resolve("run").toUri(), "-s", "data.path=" + data.toUri(), "-s", "model.classes=2"};
        String[] layer = run(concat(new String[] {"explain", "--layer", "fc1"}, common));
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), layer[0], layer[2]);
        assertTrue(layer[2].contains("explain.layer") && layer[2].contains("'fc1'") && layer[2].contains("(C, H, W)"), layer[2]);
        String[] cls = run(concat(new String[] {"explain", "--class", "2"}, common));
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), cls[0], cls[2]);
        assertTrue(cls[2].contains("explain.class") && cls[2].contains("2 classes"), cls[2]);
        String[] cam = run(concat(new String[] {"explain", "--method", "cam"}, common));
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), cam[0], cam[2]);
        assertTrue(cam[2].contains("explain.method") && cam[2].contains("global average pooling"), cam[2]);
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    /** A manifest with a train split of this many rows and channels: all the plan reads. */
    private static Path tinyManifest(Path tmp, long rows, int channels) throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, "tiny", Task.CLASSIFICATION, "2026-01-01T00:00:00Z", 0, 1,
                Map.of(), Map.of(0, "a", 1, "b"), Map.of("train", new Manifest.SplitCounts(rows, Map.of())),
                Map.of("train", new Manifest.ChannelStats(new double[channels], filled(channels, 0.2), 1)),
                List.of(new Manifest.Shard("split=train/part-0.parquet", "train", rows, 100, "-")), List.of(), null);
        try (OutputStream out = Files.newOutputStream(data.resolve(Manifest.FILE_NAME))) {
            m.write(out);
        }
        return data;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void roundResultsTravelWithTheTaskStatusUnlessSparkSubmitSaysOtherwise() {
        // the README job's 1.4 MB model vectors are over Spark's 1 MiB default: each would take a block-manager round trip
        org.apache.spark.SparkConf plain = new org.apache.spark.SparkConf(false);
        assertEquals(Map.of("spark.task.maxDirectResultSize", "128m"), JobCommand.sessionDefaults(plain));
        long bytes = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(JobCommand.DIRECT_RESULT_SIZE);
        assertTrue(bytes >= 64L << 20, "a ResNet-18's 45 MB parameter vector fits: " + bytes);
        org.apache.spark.SparkConf chosen = new org.apache.spark.SparkConf(false).set("spark.task.maxDirectResultSize", "4m");
        assertTrue(JobCommand.sessionDefaults(chosen).isEmpty(), "a --conf value wins");
    }
}
