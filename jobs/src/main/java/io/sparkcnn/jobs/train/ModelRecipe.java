package io.sparkcnn.jobs.train;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.graph.NetworkSpec;
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
public record ModelRecipe(String networkText, Map<String, Object> trainerSettings, int batch, BackendChoice backend)
        implements Serializable {

    public static ModelRecipe of(NetworkSpec spec, TrainerConfig trainer, int batch, BackendChoice backend) {
        Map<String, Object> settings = new LinkedHashMap<>(trainer.toMap());
        settings.put("batchSize", batch);
        return new ModelRecipe(NetworkConfig.write(spec), settings, batch, backend);
    }

    public NetworkSpec spec() { return NetworkConfig.read(networkText, "the job's network"); }

    public TrainerConfig trainerConfig() { return TrainerConfig.fromMap(trainerSettings); }

    /** A trainer on a fresh backend; parameters are overwritten by the round before use. */
    public Trainer build(int taskCpus, int deviceIndex) {
        NetworkSpec spec = spec();
        TrainerConfig config = trainerConfig();
        try {
            return Trainer.create(spec, backend.create(taskCpus, deviceIndex), config);
        } catch (RuntimeException e) { // no device, or a program that does not compile on it (strict)
            throw new BackendFailedException(backend, e);
        }
    }

    public String key() { return Integer.toHexString(networkText.hashCode()) + "/" + trainerSettings + "/" + batch + "/" + backend; }
}
