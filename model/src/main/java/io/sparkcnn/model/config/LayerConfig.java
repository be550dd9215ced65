package io.sparkcnn.model.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One config object (a layer or a loss) read through typed getters. Every getter records the
 * key it read, so that {@link #requireAllKeysRead()} can refuse keys nobody asked for: a typo
 * such as {@code filter = 6} fails instead of silently using a default. Errors name the
 * source, the object's label ("layer 3 'conv1' (conv2d)"), the key and its line.
 */
public final class LayerConfig {
    private final ConfigObject object;
    private final String source;
    private final String label;
    private final Set<String> read = new LinkedHashSet<>();

    LayerConfig(ConfigObject object, String source, String label, Set<String> reservedKeys) {
        this.object = object;
        this.source = source;
        this.label = label;
        this.read.addAll(reservedKeys);
    }

    /** Where the object comes from and which one it is, the prefix of every error. */
    public String where() { return source + ": " + label; }

    public boolean has(String key) {
        ConfigValue v = object.get(key);
        return v != null && v.valueType() != ConfigValueType.NULL;
    }

    public int requireInt(String key) {
        return toInt(key, require(key));
    }

    public int optInt(String key, int fallback) {
        ConfigValue v = optional(key);
        return v == null ? fallback : toInt(key, v);
    }

    public double requireDouble(String key) {
        return toDouble(key, require(key));
    }

    public double optDouble(String key, double fallback) {
        ConfigValue v = optional(key);
        return v == null ? fallback : toDouble(key, v);
    }

    public float optFloat(String key, float fallback) {
        return (float) optDouble(key, fallback);
    }

    public boolean optBoolean(String key, boolean fallback) {
        ConfigValue v = optional(key);
        if (v == null) return fallback;
        if (v.valueType() != ConfigValueType.BOOLEAN) throw wrongType(key, v, "true or false");
        return (Boolean) v.unwrapped();
    }

    public String requireString(String key) {
        return toText(key, require(key));
    }

    public String optString(String key, String fallback) {
        ConfigValue v = optional(key);
        return v == null ? fallback : toText(key, v);
    }

    /** One of the allowed words, e.g. mode = bilinear. */
    public String optChoice(String key, String fallback, String... allowed) {
        String s = optString(key, fallback);
        for (String a : allowed) if (a.equals(s)) return s;
        throw error(key, "must be one of " + String.join(", ", allowed) + ", got \"" + s + "\"");
    }

    /** An integer or a list of integers: kernel = 3 or kernel = [3, 5]. */
    public int[] requireInts(String key) {
        return toInts(key, require(key));
    }

    public int[] optInts(String key, int[] fallback) {
        ConfigValue v = optional(key);
        return v == null ? fallback : toInts(key, v);
    }

    /** A list of numbers, or null when absent. */
    public float[] optFloats(String key) {
        ConfigValue v = optional(key);
        if (v == null) return null;
        if (v.valueType() != ConfigValueType.LIST) throw wrongType(key, v, "a list of numbers");
        ConfigList list = (ConfigList) v;
        float[] r = new float[list.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) toDouble(key + "[" + i + "]", list.get(i));
        return r;
    }

    /** A string or a list of strings: inputs = a or inputs = [a, b]. */
    public List<String> optStrings(String key) {
        ConfigValue v = optional(key);
        if (v == null) return null;
        if (v.valueType() == ConfigValueType.STRING) return List.of((String) v.unwrapped());
        if (v.valueType() != ConfigValueType.LIST) throw wrongType(key, v, "a name or a list of names");
        ConfigList list = (ConfigList) v;
        String[] r = new String[list.size()];
        for (int i = 0; i < r.length; i++) r[i] = toText(key + "[" + i + "]", list.get(i));
        return List.of(r);
    }

    /** The raw value of a key (marked as read), or null when absent. */
    ConfigValue value(String key) {
        return optional(key);
    }

    /** Refuses every key that no getter read. */
    public void requireAllKeysRead() {
        Set<String> unknown = new TreeSet<>(object.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw error(key, "unknown key" + (unknown.size() > 1 ? " (also " + unknown.size() + " in all: " + unknown + ")" : "")
                    + "; known keys are " + read);
        }
    }

    /** An error about one key, for checks a parser makes itself. */
    public NetworkConfigException error(String key, String message) {
        ConfigValue v = object.get(key);
        String line = v != null && v.origin().lineNumber() > 0 ? " (line " + v.origin().lineNumber() + ")" : "";
        return new NetworkConfigException(where() + ": key '" + key + "'" + line + ": " + message);
    }

    private ConfigValue require(String key) {
        read.add(key);
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            throw new NetworkConfigException(where() + ": missing required key '" + key + "'");
        }
        return v;
    }

    private ConfigValue optional(String key) {
        read.add(key);
        ConfigValue v = object.get(key);
        return v == null || v.valueType() == ConfigValueType.NULL ? null : v;
    }

    private int toInt(String key, ConfigValue v) {
        if (v.valueType() != ConfigValueType.NUMBER) throw wrongType(key, v, "an integer");
        Number n = (Number) v.unwrapped();
        double d = n.doubleValue();
        if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) throw wrongType(key, v, "an integer");
        return n.intValue();
    }

    private double toDouble(String key, ConfigValue v) {
        if (v.valueType() != ConfigValueType.NUMBER) throw wrongType(key, v, "a number");
        return ((Number) v.unwrapped()).doubleValue();
    }

    private String toText(String key, ConfigValue v) {
        if (v.valueType() != ConfigValueType.STRING) throw wrongType(key, v, "a string");
        return (String) v.unwrapped();
    }

    private int[] toInts(String key, ConfigValue v) {
        if (v.valueType() == ConfigValueType.NUMBER) return new int[]{toInt(key, v)};
        if (v.valueType() != ConfigValueType.LIST) throw wrongType(key, v, "an integer or a list of integers");
        ConfigList list = (ConfigList) v;
        if (list.isEmpty()) throw error(key, "expected an integer or a list of integers, got an empty list");
        int[] r = new int[list.size()];
        for (int i = 0; i < r.length; i++) {
            ConfigValue e = list.get(i);
            if (e.valueType() != ConfigValueType.NUMBER) throw wrongType(key, v, "an integer or a list of integers");
            r[i] = toInt(key, e);
        }
        return r;
    }

    private NetworkConfigException wrongType(String key, ConfigValue v, String expected) {
        return error(key, "expected " + expected + ", got " + v.valueType().name().toLowerCase(java.util.Locale.ROOT)
                + " " + v.render(com.typesafe.config.ConfigRenderOptions.concise()));
    }
}
