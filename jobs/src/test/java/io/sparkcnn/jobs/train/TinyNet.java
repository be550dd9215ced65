package io.sparkcnn.jobs.train;

import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Activate;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.layers.Flatten;
import io.sparkcnn.model.losses.SoftmaxCrossEntropy;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.train.TrainerConfig;

/** A small MLP and trainer settings for the driver tests. */
public final class TinyNet {
    public static final int INPUT = 16;
    public static final int CLASSES = 3;

    private TinyNet() {}

    public static NetworkSpec spec() {
        return NetworkSpec.builder("tiny", Shape.of(1, 4, 4))
                .add(new Flatten()).add(new Dense(12)).add(Activate.relu()).add(new Dense(CLASSES))
                .loss(new SoftmaxCrossEntropy()).build();
    }

    public static ModelRecipe recipe(int batch, String optimizer) {
        TrainerConfig t = TrainerConfig.defaults().with("optimizer", optimizer).with("learningRate", 0.05)
                .with("seed", 7L);
        if (optimizer.equals("sgd")) t = t.with("momentum", 0.9);
        return ModelRecipe.of(spec(), t, batch, new BackendChoice("cpu", false, 1));
    }

    /** Plain SGD (no momentum): a step proportional to the gradient, so its scale shows. */
    public static ModelRecipe plainSgd(int batch) {
        TrainerConfig t = TrainerConfig.defaults().with("optimizer", "sgd").with("learningRate", 0.2).with("momentum", 0.0)
                .with("seed", 7L);
        return ModelRecipe.of(spec(), t, batch, new BackendChoice("cpu", false, 1));
    }
}
