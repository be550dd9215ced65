package io.sparkcnn.model.optim;

/** Float settings written to configs as the shortest decimal that reads back to the same float (0.9, not 0.8999999761581421). */
final class ConfigDecimal {
    private ConfigDecimal() {}

    static double of(float f) { return Double.parseDouble(Float.toString(f)); }
}
