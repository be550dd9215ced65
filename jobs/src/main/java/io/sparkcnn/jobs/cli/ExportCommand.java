package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.checkpoint.CheckpointLocator;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.export.ExportMetadata;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.export.onnx.OnnxExport;
import io.sparkcnn.model.export.onnx.UnexportableLayerException;
import io.sparkcnn.model.export.onnx.proto.Onnx.ModelProto;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A trained checkpoint as a file another runtime runs. One process, no Spark session (a SparkConf
 * only, for spark-submit's spark.hadoop.* settings): the checkpoint and the output are read and
 * written through Hadoop's file systems, so both may be HDFS, S3, ... URIs. Nothing is written
 * when the network cannot be exported.
 */
@Command(name = "export",
        description = "Writes a checkpoint as an ONNX model (opset " + OnnxExport.OPSET + ", dynamic batch axis) with the input"
                + " normalisation and class names in its metadata (docs/export.md). Runs without Spark.")
final class ExportCommand implements Callable<Integer> {
    enum Format { onnx }

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "onnx (the one format).")
    Format format;

    @Option(names = "--checkpoint", required = true, paramLabel = "URI",
            description = "A model.sckp, a checkpoint directory (checkpoints/step-N) or a run directory (its newest complete checkpoint); any Hadoop URI.")
    String checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .onnx file to write (a path or any Hadoop URI); replaced if it exists.")
    String out;

    @Option(names = "--help", usageHelp = true, description = "Show this help.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Configuration hadoop = JobCommand.hadoopConf(new SparkConf()); // spark-submit's spark.hadoop.* settings, as the jobs
        try {
            CheckpointStore.Loaded loaded = CheckpointLocator.load(checkpoint, hadoop);
            Checkpoint c = loaded.checkpoint();
            Map<String, String> metadata = ExportMetadata.of(loaded, hadoop, w -> err.println("warning: " + w));
            ModelProto model = OnnxExport.export(c.network(), c.params(), c.buffers(), metadata);
            Path target = new Path(out);
            FileSystem fs = target.getFileSystem(hadoop);
            try (OutputStream o = fs.create(target, true)) {
                model.writeTo(o);
            }
            spec.commandLine().getOut().printf("ONNX model (opset %d) of network '%s' from %s written to %s: %,d bytes, outputs %s%n",
                    OnnxExport.OPSET, c.network().name(), loaded.dir(), fs.makeQualified(target), model.getSerializedSize(),
                    model.getGraph().getOutputList().stream().map(v -> v.getName()).toList());
            return 0;
        } catch (FileNotFoundException e) {
            err.println("error: --checkpoint: " + e.getMessage());
            return SparkCnn.CONFIG_ERROR;
        } catch (UnexportableLayerException | IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } finally {
            err.flush();
        }
    }
}
