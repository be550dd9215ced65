package io.sparkcnn.dataprep.synthetic;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every synthetic dataset generator takes: where the garments come from, where to write, the seed. */
final class GeneratorOptions {
    @Option(names = "--fashion-mnist", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "folder with the Fashion-MNIST idx files (default ${DEFAULT-VALUE})")
    Path source;
    @Option(names = "--output", required = true, description = "folder to write the dataset into (a local path)")
    Path output;
    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    /** MIN:MAX as two strings, or an error naming the option. */
    static String[] range(String v, String option) {
        String[] p = v.split(":");
        if (p.length != 2) throw new IllegalArgumentException(option + " must be MIN:MAX, got " + v);
        return p;
    }
}
