package io.sparkcnn.jobs.ml;

import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.data.Augmentation;
import io.sparkcnn.jobs.data.ImageTransform;
import io.sparkcnn.jobs.eval.ScoringModel;
import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.checkpoint.CheckpointReader;
import io.sparkcnn.model.config.NetworkConfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What transform ships to the executors, once, as a broadcast: the checkpoint file's bytes, the
 * inference batch and the backend. Each executor JVM parses it once (the broadcast value is shared
 * by its tasks) into the network and weights ({@link ScoringModel}) and the evaluation transform
 * the run trained with: the checkpoint's recorded data.mean/data.std, model.input and
 * augment.evalResize, exactly what the evaluate and predict jobs use.
 */
final class ClassifierScoring implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The parsed form: the model to build replicas from, the transform of a row to its input, the class count. */
    record Parsed(ScoringModel model, ImageTransform transform, int classes) {}

    private final byte[] checkpoint;
    private final int batch;
    private final BackendChoice backend;
    private transient Parsed parsed;

    ClassifierScoring(byte[] checkpoint, int batch, BackendChoice backend) {
        this.checkpoint = checkpoint;
        this.batch = batch;
        this.backend = backend;
    }

    /** The same checkpoint (by identity), batch and backend. */
    boolean sameSettings(ClassifierScoring o) {
        return o.checkpoint == checkpoint && o.batch == batch && o.backend.equals(backend);
    }

    synchronized Parsed parsed() {
        if (parsed == null) parsed = parse(checkpoint, batch, backend);
        return parsed;
    }

    static Parsed parse(byte[] checkpoint, int batch, BackendChoice backend) {
        Checkpoint c = read(checkpoint);
        JobConfig cfg = recordedConfig(c);
        ImageTransform transform = new ImageTransform(cfg.ints("model.input"), cfg.doubles("data.mean"), cfg.doubles("data.std"),
                Augmentation.NONE, cfg.integer("augment.evalResize"));
        ScoringModel model = new ScoringModel(NetworkConfig.write(c.network()), c.params(), c.buffers(), batch, backend);
        int classes = c.network().shapes().get(c.network().outputNode().name()).channels();
        return new Parsed(model, transform, classes);
    }

    static Checkpoint read(byte[] checkpoint) {
        try {
            return CheckpointReader.read(new ByteArrayInputStream(checkpoint), "the model's checkpoint");
        } catch (IOException e) {
            throw new UncheckedIOException("the model's checkpoint does not read: " + e.getMessage(), e);
        }
    }

    /** The job settings the checkpoint recorded (normalisation explicit: the train job writes it so). */
    static JobConfig recordedConfig(Checkpoint c) {
        return JobConfig.parse(c.trainerConfig(), "the model's checkpoint", List.of());
    }
}
