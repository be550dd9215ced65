package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.export.onnx.OnnxExport;
import io.sparkcnn.model.export.onnx.proto.Onnx.ModelProto;
import io.sparkcnn.model.export.onnx.proto.Onnx.StringStringEntryProto;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sparkcnn export on a checkpoint in a run directory, without Spark (the numbers are OnnxExportTest's). */
class ExportCommandTest {

    private static String[] run(String... args) {
        CommandLine cli = SparkCnn.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void aRunDirectoryACheckpointDirectoryAndItsFileExportTheWeightsWithTheRecordedNormalisation(@TempDir Path tmp)
            throws IOException {
        Path data = manifest(tmp, Map.of(0, "tee", 1, "trouser", 2, "bag"));
        NetworkSpec spec = ModelZoo.build("lenet5_bn", 3, Shape.of(1, 28, 28));
        Checkpoint c = trained(spec, "data { path = \"" + data.toUri() + "\", mean = [0.25, 0.3, 0.35], std = [0.5] }\n");
        Path runDir = tmp.resolve("run");
        org.apache.hadoop.fs.Path dir = new CheckpointStore(runDir.toUri().toString(), new Configuration()).save(c, "job {}", 2);
        ModelProto expected = OnnxExport.export(spec, c.params(), c.buffers(), Map.of());
        Path stepDir = runDir.resolve("checkpoints").resolve(dir.getName());
        for (String source : List.of(runDir.toUri().toString(), stepDir.toString(), stepDir.resolve("model.sckp").toString())) {
            Path out = tmp.resolve("out").resolve("lenet.onnx");
            String[] r = run("export", "--format", "onnx", "--checkpoint", source, "--out", out.toString());
            assertEquals("0", r[0], r[2]);
            assertTrue(r[1].contains("opset 17") && r[1].contains("lenet5_bn") && r[1].contains("[fc3, fc3.probabilities]"), r[1]);
            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
            assertEquals(expected.getGraph(), m.getGraph(), source + ": the checkpoint's weights");
            Map<String, String> meta = m.getMetadataPropsList().stream()
                    .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue, (a, b) -> a, LinkedHashMap::new));
            assertEquals("[0.3]", meta.get("input_mean"), "three statistics for a gray input are averaged, as the jobs do");
            assertEquals("[0.5]", meta.get("input_std"));
            assertTrue(meta.get("input_normalisation").contains("pixel[c] / 255") && meta.get("input_normalisation").contains("gray"),
                    meta.get("input_normalisation"));
            assertEquals("[\"tee\",\"trouser\",\"bag\"]", meta.get("class_names"));
            assertEquals("classification", meta.get("task"));
            assertEquals("7", meta.get("checkpoint_step"));
            assertTrue(meta.get("checkpoint").endsWith(dir.getName()), meta.get("checkpoint"));
            Files.delete(out);
        }
    }

    @Test
    void missingNamesAndStatisticsAreWarnedAboutNotInvented(@TempDir Path tmp) throws IOException {
        Path data = manifest(tmp, Map.of(0, "only one"));
        NetworkSpec spec = ModelZoo.build("lenet5", 3, Shape.of(1, 28, 28));
        Path file = tmp.resolve("model.sckp");
        try (OutputStream o = Files.newOutputStream(file)) {
            io.sparkcnn.model.checkpoint.CheckpointWriter.write(trained(spec, "data { path = \"" + data.toUri() + "\" }"), o);
        }
        Path out = tmp.resolve("m.onnx");
        String[] r = run("export", "--format", "onnx", "--checkpoint", file.toString(), "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("warning: the checkpoint's config records no data.mean/data.std"), r[2]);
        assertTrue(r[2].contains("does not name every class"), r[2]);
        List<String> keys = ModelProto.parseFrom(Files.readAllBytes(out)).getMetadataPropsList().stream()
                .map(StringStringEntryProto::getKey).toList();
        assertFalse(keys.contains("input_mean") || keys.contains("class_names"), keys.toString());
    }

    @Test
    void aPathWithNoCheckpointExitsWithCode2AndWritesNothing(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        Path out = tmp.resolve("m.onnx");
        String[] r = run("export", "--format", "onnx", "--checkpoint", tmp.resolve("empty").toString(), "--out", out.toString());
        assertEquals(Integer.toString(SparkCnn.CONFIG_ERROR), r[0]);
        assertTrue(r[2].startsWith("error: --checkpoint: no checkpoint at ") && r[2].contains("model.sckp"), r[2]);
        assertFalse(Files.exists(out));
        Files.writeString(tmp.resolve("junk.sckp"), "not a checkpoint");
        r = run("export", "--format", "onnx", "--checkpoint", tmp.resolve("junk.sckp").toString(), "--out", out.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].startsWith("error: ") && r[2].contains("junk.sckp") && r[2].contains("not a sparkcnn checkpoint"), r[2]);
        assertFalse(Files.exists(out));
        r = run("export", "--format", "tflite", "--checkpoint", tmp.toString(), "--out", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--format") && r[2].contains("onnx"), r[2]);
    }

    private static Checkpoint trained(NetworkSpec spec, String config) {
        try (Network net = Network.build(spec, 1, new CpuBackend(1), 0)) {
            net.initParams(3);
            return new Checkpoint(spec, config, "test", 1, Map.of("step", 7L), net.params().clone(), net.buffers().clone(),
                    Checkpoint.NO_OPTIMIZER, 0, new float[0]);
        }
    }

    private static Path manifest(Path tmp, Map<Integer, String> classes) throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, "tiny", Task.CLASSIFICATION, "2026-01-01T00:00:00Z", 0, 1,
                Map.of(), classes, Map.of(), Map.of(), List.of(), List.of(), null);
        try (OutputStream out = Files.newOutputStream(data.resolve(Manifest.FILE_NAME))) {
            m.write(out);
        }
        return data;
    }
}
