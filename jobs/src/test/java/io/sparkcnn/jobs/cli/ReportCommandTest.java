package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.report.RunReport;
import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sparkcnn report on a run directory written by hand, without Spark: a resumed run's two metrics files (the first
 * cut short), a checkpoint, a classifier's and a segmentation network's evaluations. The page a real run leaves,
 * drawn by Chromium: TrainJobTest.
 */
class ReportCommandTest {
    private static String[] run(String... args) {
        CommandLine cli = SparkCnn.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static String round(int r, String lr) {
        return "{\"round\":" + r + ",\"epoch\":1,\"step\":" + (2 * r) + ",\"loss\":" + (2.0 / r) + lr + ",\"examplesPerSecond\":"
                + (50 * r) + ",\"computeMs\":9.5,\"perWorker\":[{\"worker\":0,\"computeMs\":9.5},{\"worker\":1,\"computeMs\":4.0}]}\n";
    }

    /** Every embedded PNG, decoded. */
    private static List<BufferedImage> images(String html) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        Matcher m = Pattern.compile("<img [^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        while (m.find()) out.add(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))));
        return out;
    }

    @Test
    void rendersEveryChartAndTableFromARunDirectoryAndWarnsInsteadOfFailingAJob(@TempDir Path tmp) throws IOException {
        Path runDir = tmp.resolve("run");
        Files.createDirectories(runDir.resolve("metrics"));
        Files.writeString(runDir.resolve("metrics/rounds-000000000001.jsonl"), round(1, "") + round(2, "") + round(3, "") + "{\"rou");
        Files.writeString(runDir.resolve("metrics/rounds-000000000003.jsonl"), round(3, ",\"learningRate\":0.1")
                + round(4, ",\"learningRate\":0.05"));
        NetworkSpec spec = ModelZoo.build("lenet5", 3, Shape.of(1, 28, 28));
        Checkpoint c;
        try (Network net = Network.build(spec, 1, new CpuBackend(1), 0)) {
            net.initParams(1);
            c = new Checkpoint(spec, "", "v-test", 7, Map.of("step", 8L, "round", 4L, "epoch", 1L), net.params().clone(),
                    net.buffers().clone(), Checkpoint.NO_OPTIMIZER, 0, new float[0]);
        }
        org.apache.hadoop.fs.Path dir = new CheckpointStore(runDir.toUri().toString(), new Configuration()).save(c,
                "run { name = \"hand-made\" }\n", 1);
        Path step = Path.of(dir.toUri());
        Files.writeString(step.resolve("evaluation-test.json"), "{\"split\":\"test\",\"examples\":14,\"top1\":0.7142857,"
                + "\"top5\":1.0,\"meanLoss\":0.61,\"classNames\":{\"0\":\"tee\",\"1\":\"trouser\",\"2\":\"bag\"},"
                + "\"confusion\":[[5,2,1],[1,3,0],[0,2,4]]}");
        Files.writeString(step.resolve("evaluation-val.json"), "{\"split\":\"val\",\"task\":\"segmentation\",\"pixels\":100,"
                + "\"meanIou\":0.55,\"pixelAccuracy\":0.8,\"meanLoss\":0.4,\"classIou\":{\"sky\":0.6,\"road\":0.5},"
                + "\"baseline\":{\"predicts\":\"road\",\"meanIou\":0.2},\"confusion\":[[40,10],[10,40]]}");

        Path out = tmp.resolve("pages/run.html");
        String[] r = run("report", runDir.toString(), "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        // 4 training charts; the classifier's metrics and per-class bars; the segmentation's metrics, per-class and IoU bars
        assertTrue(r[1].contains(": 9 images"), r[1]);
        String html = Files.readString(out);
        List<BufferedImage> images = images(html);
        assertEquals(9, images.size());
        for (BufferedImage i : images) assertEquals(760, i.getWidth());
        assertFalse(html.contains("<script") || html.contains("src=\"http") || html.contains("<link"), "self-contained");
        for (String shown : List.of("<h1>hand-made</h1>", "4 rounds logged (rounds 1..4)", "v-test", "<td>0.7143</td>",
                "<td>14</td>", "<th>trouser</th>", "Macro F1 0.6623", "<td class=\"l\">baseline.meanIou</td><td>0.2000</td>",
                "<td class=\"l\">sky</td><td>0.6000</td>", "Evaluation on 'val'")) {
            assertTrue(html.contains(shown), shown);
        }
        // F1 of 'tee' by hand: 2*5 / (8 + 6)
        assertTrue(html.contains("<td class=\"l\">tee</td><td>0.8333</td><td>0.6250</td><td>0.7143</td><td>8</td>"), html);

        // the default page is RUN_DIR/report.html; an old metrics line without a learning rate is said so
        assertEquals("0", run("report", runDir.toUri().toString())[0]);
        assertTrue(Files.exists(runDir.resolve(RunReport.FILE)));
        assertEquals("2", run("report", tmp.resolve("nothing").toString())[0]);

        // a job's end never fails on its report: a run directory that is a file warns
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        List<String> console = new ArrayList<>();
        RunReport.writeQuietly(notADir.toUri().toString() + "/sub", new Configuration(), console::add);
        assertEquals(1, console.size());
        assertTrue(console.get(0).startsWith("warning: could not write the report of "), console.get(0));
    }
}
