package io.sparkcnn.jobs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.data.Manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The per-channel mean and std a run normalises with, written into the config its checkpoints
 * record. Taken from the manifest (data.mean/data.std empty), they change whenever data-prep
 * adds rows; a resume pinned to an older table version must normalise with that version's.
 */
final class Normalisation {
    private Normalisation() {}

    /** cfg with data.mean and data.std made explicit from the manifest's train-split statistics where they are empty. */
    static JobConfig explicit(JobConfig cfg, Manifest manifest) {
        Manifest.ChannelStats stats = manifest.stats() == null ? null : manifest.stats().get(cfg.string("data.trainSplit"));
        List<String> set = new ArrayList<>();
        if (stats != null && cfg.doubles("data.mean").length == 0) set.add("data.mean=" + list(stats.mean()));
        if (stats != null && cfg.doubles("data.std").length == 0) set.add("data.std=" + list(stats.std()));
        return set.isEmpty() ? cfg : cfg.with(set.toArray(String[]::new));
    }

    /**
     * The data.mean and data.std assignments a checkpoint's recorded config holds, or none when it
     * does not record both (a checkpoint of older code).
     */
    static List<String> recorded(String checkpointConfig) {
        try {
            Config c = ConfigFactory.parseString(checkpointConfig);
            List<Double> mean = c.getDoubleList("data.mean"), std = c.getDoubleList("data.std");
            if (mean.isEmpty() || std.isEmpty()) return List.of();
            return List.of("data.mean=" + mean, "data.std=" + std);
        } catch (ConfigException e) {
            return List.of();
        }
    }

    private static String list(double[] v) {
        return Arrays.toString(v);
    }
}
