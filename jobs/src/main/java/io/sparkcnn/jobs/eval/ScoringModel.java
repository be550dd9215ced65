package io.sparkcnn.jobs.eval;

import io.sparkcnn.jobs.train.BackendChoice;
import io.sparkcnn.jobs.train.BackendFailedException;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;

import java.io.Serializable;

/**
 * A trained model to score with on the executors: the network as config text, its parameters
 * and buffers (sent once as a broadcast), the batch and the backend.
 */
public record ScoringModel(String networkText, float[] params, float[] buffers, int batch, BackendChoice backend)
        implements Serializable {

    /** An inference network (no optimizer state) holding these weights. */
    public Network build(int taskCpus, int deviceIndex) {
        NetworkSpec spec = NetworkConfig.read(networkText, "the checkpoint's network");
        Network net;
        try {
            net = Network.build(spec, batch, backend.create(taskCpus, deviceIndex), 0);
        } catch (RuntimeException e) { // no device, or a program that does not compile on it (strict)
            throw new BackendFailedException(backend, e);
        }
        net.setParams(params);
        net.setBuffers(buffers);
        return net;
    }
}
