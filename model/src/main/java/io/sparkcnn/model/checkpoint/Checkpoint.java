package io.sparkcnn.model.checkpoint;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.DataVersion;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.graph.NetworkSummary;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to re-create a training run at one step: the network spec, the
 * trainer's config text, the code version, the seed, named step counters (step, epoch,
 * round, data cursors), the parameters, the batch-norm buffers and the optimizer state
 * ({@code optimizerSlots} arrays of the parameters' length, one after the other, as in the
 * OPT arena), and the data version trained on ({@code data}: null when none is recorded, as in
 * every format-1 file and in exports). The arrays are held as given, not copied: they can be
 * hundreds of megabytes. Written and read by {@link CheckpointWriter} and {@link CheckpointReader}.
 */
public record Checkpoint(NetworkSpec network, String trainerConfig, String codeVersion, long seed,
                         Map<String, Long> counters, float[] params, float[] buffers,
                         String optimizer, int optimizerSlots, float[] optimizerState, DataVersion data) {

    /** The optimizer name of a checkpoint without optimizer state (inference, or a plain export). */
    public static final String NO_OPTIMIZER = "none";

    public Checkpoint {
        if (network == null) throw new IllegalArgumentException("a checkpoint needs its network spec");
        trainerConfig = trainerConfig == null ? "" : trainerConfig;
        codeVersion = codeVersion == null ? "unknown" : codeVersion;
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters == null ? Map.of() : counters));
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException("counter names must be non-empty and values present, got " + e);
            }
        }
        if (optimizer == null || optimizer.isEmpty()) throw new IllegalArgumentException("optimizer name is empty (use \"" + NO_OPTIMIZER + "\")");
        long expectedParams = network.paramCount();
        long expectedBuffers = NetworkSummary.of(network).totalBuffers();
        if (params == null || params.length != expectedParams) {
            throw new IllegalArgumentException("network '" + network.name() + "' has " + expectedParams
                    + " parameters, the checkpoint holds " + (params == null ? "none" : params.length));
        }
        if (buffers == null || buffers.length != expectedBuffers) {
            throw new IllegalArgumentException("network '" + network.name() + "' has " + expectedBuffers
                    + " buffer values, the checkpoint holds " + (buffers == null ? "none" : buffers.length));
        }
        if (optimizerSlots < 0 || optimizerState == null || optimizerState.length != (long) optimizerSlots * params.length) {
            throw new IllegalArgumentException("optimizer state must be " + optimizerSlots + " x " + params.length
                    + " floats, got " + (optimizerState == null ? "none" : optimizerState.length));
        }
    }

    /** A checkpoint that records no data version. */
    public Checkpoint(NetworkSpec network, String trainerConfig, String codeVersion, long seed,
                      Map<String, Long> counters, float[] params, float[] buffers,
                      String optimizer, int optimizerSlots, float[] optimizerState) {
        this(network, trainerConfig, codeVersion, seed, counters, params, buffers, optimizer, optimizerSlots,
                optimizerState, null);
    }

    /** This checkpoint recording the data version it trained on. */
    public Checkpoint withData(DataVersion trainedOn) {
        return new Checkpoint(network, trainerConfig, codeVersion, seed, counters, params, buffers, optimizer,
                optimizerSlots, optimizerState, trainedOn);
    }

    /**
     * A copy of a network's state now: parameters, buffers and its whole OPT arena (the
     * optimizer's slots). counters are e.g. step, epoch, round; trainerConfig is the config
     * text that re-creates the trainer.
     */
    public static Checkpoint capture(Network net, String trainerConfig, String optimizer, long seed, Map<String, Long> counters) {
        float[] params = net.params().clone();
        float[] buffers = net.buffers().clone();
        net.backend().pullToHost(Arena.OPT);
        float[] opt = net.arenas().opt().clone();
        int slots = params.length == 0 ? 0 : opt.length / params.length;
        return new Checkpoint(net.spec(), trainerConfig, CodeVersion.current(), seed, counters, params, buffers,
                slots == 0 ? NO_OPTIMIZER : optimizer, slots, opt);
    }

    /** The value of a counter, or fallback when the checkpoint has none of that name. */
    public long counter(String name, long fallback) {
        Long v = counters.get(name);
        return v == null ? fallback : v;
    }

    /**
     * Fails when this checkpoint was made for another network: a different input or layer
     * list (type, name, settings, wiring), loss, or parameter count. The network's name is
     * not compared. source names the checkpoint in the message.
     */
    public void requireSameNetwork(NetworkSpec other, String source) throws CheckpointException {
        String mine = canonical(network);
        String theirs = canonical(other);
        if (mine.equals(theirs)) return;
        List<String> a = mine.lines().toList(), b = theirs.lines().toList();
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) i++;
        throw new CheckpointException("checkpoint " + source + " was made for another network: it has network '"
                + network.name() + "' with " + params.length + " parameters, this is '" + other.name() + "' with "
                + other.paramCount() + "; first difference:\n  checkpoint: " + (i < a.size() ? a.get(i).trim() : "(end)")
                + "\n  this one:   " + (i < b.size() ? b.get(i).trim() : "(end)"));
    }

    /**
     * Loads parameters, buffers and (when the network has room for it) optimizer state into
     * a built network, after {@link #requireSameNetwork}. A network built with no optimizer
     * slots takes parameters and buffers only.
     */
    public void restoreInto(Network net, String source) throws CheckpointException {
        requireSameNetwork(net.spec(), source);
        float[] opt = net.arenas().opt();
        if (opt.length != 0 && opt.length != optimizerState.length) {
            throw new CheckpointException("checkpoint " + source + " holds " + optimizerSlots + " optimizer slots ("
                    + optimizer + "), the network was built with " + opt.length / Math.max(1, params.length));
        }
        net.setParams(params);
        net.setBuffers(buffers);
        if (opt.length != 0) {
            System.arraycopy(optimizerState, 0, opt, 0, opt.length);
            net.backend().pushToDevice(Arena.OPT);
        }
    }

    /** The spec as compared: the canonical JSON without the network's name. */
    private static String canonical(NetworkSpec s) {
        return NetworkConfig.writeJson(new NetworkSpec("network", s.input(), s.nodes(), s.heads()));
    }
}
