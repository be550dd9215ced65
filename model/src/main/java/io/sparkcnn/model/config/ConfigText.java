package io.sparkcnn.model.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders the plain values that specs' {@code toConfig()} return (numbers, booleans,
 * strings, lists, maps) as HOCON or as JSON, on one line, keys in the map's order.
 * Floats are written in their shortest form that reads back to the same float.
 */
final class ConfigText {
    private static final Pattern BARE = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Set<String> KEYWORDS = Set.of("true", "false", "null", "include");

    private final boolean json;

    ConfigText(boolean json) {
        this.json = json;
    }

    boolean json() { return json; }

    String key(String k) {
        return json || !BARE.matcher(k).matches() || KEYWORDS.contains(k) ? quote(k) : k;
    }

    /** "key = " in HOCON, "\"key\": " in JSON. */
    String assign(String k) {
        return key(k) + (json ? ": " : " = ");
    }

    String value(Object v) {
        StringBuilder b = new StringBuilder();
        append(b, v);
        return b.toString();
    }

    void append(StringBuilder b, Object v) {
        if (v instanceof String s) {
            b.append(json || !BARE.matcher(s).matches() || KEYWORDS.contains(s) ? quote(s) : s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            b.append(v);
        } else if (v instanceof Float f) {
            b.append(number(f.doubleValue()));
        } else if (v instanceof Double d) {
            b.append(number(d));
        } else if (v instanceof Boolean z) {
            b.append(z);
        } else if (v instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) b.append(", ");
                append(b, list.get(i));
            }
            b.append(']');
        } else if (v instanceof Map<?, ?> map) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) b.append(", ");
                first = false;
                b.append(assign(String.valueOf(e.getKey())));
                append(b, e.getValue());
            }
            b.append('}');
        } else {
            throw new IllegalArgumentException("cannot write a config value of " + (v == null ? "null" : v.getClass().getName()));
        }
    }

    /** The shortest decimal that reads back to the same value (as a float when it is one). */
    static String number(double d) {
        if (!Double.isFinite(d)) throw new IllegalArgumentException("config files cannot hold " + d);
        float f = (float) d;
        String s = f == d ? Float.toString(f) : Double.toString(d);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
