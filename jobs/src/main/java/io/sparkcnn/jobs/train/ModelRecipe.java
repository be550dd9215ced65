package io.sparkcnn.jobs.train;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.train.LayerTraining;
import io.sparkcnn.model.train.Trainer;
import io.sparkcnn.model.train.TrainerConfig;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to build a worker's model replica on an executor: the network as config text (so no
 * spec object is Java-serialized), the trainer settings, the batch size and the backend
 * choice. Two recipes with the same {@link #key()} build interchangeable replicas.
 */
public record ModelRecipe(String networkText, Map<String, Object> trainerSettings, int batch, BackendChoice backend,
                          LayerTraining layers) implements Serializable {

    public ModelRecipe(String networkText, Map<String, Object> trainerSettings, int batch, BackendChoice backend) {
        this(networkText, trainerSettings, batch, backend, LayerTraining.ALL);
    }

    public static ModelRecipe of(NetworkSpec spec, TrainerConfig trainer, int batch, BackendChoice backend) {
        return of(spec, trainer, batch, backend, LayerTraining.ALL);
    }

    /** layers: fine-tuning's frozen layers and learning-rate multipliers. */
    public static ModelRecipe of(NetworkSpec spec, TrainerConfig trainer, int batch, BackendChoice backend, LayerTraining layers) {
        Map<String, Object> settings = new LinkedHashMap<>(trainer.toMap());
        settings.put("batchSize", batch);
        return new ModelRecipe(NetworkConfig.write(spec), settings, batch, backend, layers);
    }

    /** The same model at another batch size on another backend (the driver's replica). */
    public ModelRecipe with(int batch, BackendChoice backend) {
        return new ModelRecipe(networkText, trainerSettings, batch, backend, layers);
    }

    public NetworkSpec spec() { return NetworkConfig.read(networkText, "the job's network"); }

    public TrainerConfig trainerConfig() { return TrainerConfig.fromMap(trainerSettings); }

    /** A trainer on a fresh backend; parameters are overwritten by the round before use. */
    public Trainer build(int taskCpus, int deviceIndex) {
        NetworkSpec spec = spec();
        TrainerConfig config = trainerConfig();
        try {
            Trainer t = Trainer.create(spec, backend.create(taskCpus, deviceIndex), config);
            layers.applyTo(t);
            return t;
        } catch (RuntimeException e) { // no device, or a program that does not compile on it (strict)
            throw new BackendFailedException(backend, e);
        }
    }

    public String key() { return Integer.toHexString(networkText.hashCode()) + "/" + trainerSettings + "/" + batch + "/" + backend + "/" + layers; }
}
