package io.sparkcnn.jobs.config;

import java.util.List;

/**
 * One job setting: its HOCON path, type, default, allowed range and what it does. Every key a
 * job reads is declared once in {@link JobSettings}; `--help` and docs/configuration.md list them.
 *
 * @param key         dotted HOCON path, e.g. {@code train.batchSizePerWorker}
 * @param type        how the value is read and checked
 * @param defaultValue default as HOCON text; {@code null} means the setting is required
 * @param min         lower bound for numbers (inclusive), ignored otherwise
 * @param max         upper bound for numbers (inclusive), ignored otherwise
 * @param choices     allowed values of an {@link Type#ENUM}
 * @param description one sentence for the help text and the docs
 */
public record Setting(String key, Type type, String defaultValue, double min, double max, List<String> choices,
                      String description) {

    public enum Type { STRING, URI, INT, LONG, DOUBLE, BOOLEAN, ENUM, DOUBLE_LIST, INT_LIST, LONG_LIST, STRING_LIST, DOUBLE_MAP }

    public boolean required() { return defaultValue == null; }

    static Setting string(String key, String def, String description) {
        return new Setting(key, Type.STRING, def, 0, 0, List.of(), description);
    }

    static Setting uri(String key, String def, String description) {
        return new Setting(key, Type.URI, def, 0, 0, List.of(), description);
    }

    static Setting integer(String key, int def, int min, int max, String description) {
        return new Setting(key, Type.INT, Integer.toString(def), min, max, List.of(), description);
    }

    static Setting longValue(String key, long def, long min, long max, String description) {
        return new Setting(key, Type.LONG, Long.toString(def), min, max, List.of(), description);
    }

    static Setting decimal(String key, double def, double min, double max, String description) {
        return new Setting(key, Type.DOUBLE, Double.toString(def), min, max, List.of(), description);
    }

    static Setting bool(String key, boolean def, String description) {
        return new Setting(key, Type.BOOLEAN, Boolean.toString(def), 0, 0, List.of(), description);
    }

    static Setting choice(String key, String def, List<String> choices, String description) {
        return new Setting(key, Type.ENUM, def, 0, 0, List.copyOf(choices), description);
    }

    static Setting doubles(String key, String def, String description) {
        return new Setting(key, Type.DOUBLE_LIST, def, 0, 0, List.of(), description);
    }

    static Setting ints(String key, String def, String description) {
        return new Setting(key, Type.INT_LIST, def, 0, 0, List.of(), description);
    }

    static Setting longs(String key, String def, String description) {
        return new Setting(key, Type.LONG_LIST, def, 0, 0, List.of(), description);
    }

    static Setting strings(String key, String def, String description) {
        return new Setting(key, Type.STRING_LIST, def, 0, 0, List.of(), description);
    }

    /** An object of names to numbers, e.g. {@code {"conv": 0.1}}: its keys are the user's, not declared settings. */
    static Setting doubleMap(String key, String def, String description) {
        return new Setting(key, Type.DOUBLE_MAP, def, 0, 0, List.of(), description);
    }

    /** The default as shown to users: "(required)" when there is none. */
    public String shownDefault() {
        if (defaultValue == null) return "(required)";
        if (defaultValue.isEmpty()) return "\"\"";
        return defaultValue;
    }

    /** The allowed values or range, for help and docs ("" when unconstrained). */
    public String shownRange() {
        return switch (type) {
            case ENUM -> String.join("|", choices);
            case INT, LONG -> min <= Integer.MIN_VALUE ? "" : (long) min + ".." + (max >= Integer.MAX_VALUE ? "" : Long.toString((long) max));
            case DOUBLE -> Double.isInfinite(min) ? "" : min + ".." + (Double.isInfinite(max) ? "" : Double.toString(max));
            default -> "";
        };
    }
}
