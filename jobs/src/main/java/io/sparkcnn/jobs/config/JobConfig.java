package io.sparkcnn.jobs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;

import java.io.File;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import io.sparkcnn.model.train.TrainerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's settings: a HOCON file over the declared defaults, with {@code --set key=value}
 * overrides on top. Every key is checked when loading (unknown keys, types, ranges), so a
 * bad value fails before any Spark work, with the setting named. Serializable as its
 * rendered HOCON text, which is also what checkpoints record.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Pattern SETTING_NAME = Pattern.compile("setting '([A-Za-z0-9]+)'");

    private final String hocon;
    private transient Config config;

    private JobConfig(Config resolved) {
        this.config = resolved;
        this.hocon = resolved.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
    }

    /** Reads a HOCON file (null: defaults only) with key=value overrides applied in order. */
    public static JobConfig load(File file, List<String> overrides) {
        Config base = ConfigFactory.empty();
        if (file != null) {
            if (!file.isFile()) throw new ConfigException("--config", "no such file " + file);
            try {
                base = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
                return of(base, overrides);
            } catch (com.typesafe.config.ConfigException e) {
                throw fileError(file, e);
            }
        }
        return of(base, overrides);
    }

    /**
     * A HOCON syntax error (or an unresolved substitution) as "file: line: reason", named by
     * the file (or the included file) it is in; Typesafe's own message starts with its origin.
     */
    static ConfigException fileError(File file, com.typesafe.config.ConfigException e) {
        com.typesafe.config.ConfigOrigin origin = e.origin();
        String name = origin != null && origin.filename() != null ? origin.filename() : file.toString();
        String reason = e.getMessage();
        if (origin != null && reason.startsWith(origin.description() + ": ")) {
            reason = reason.substring(origin.description().length() + 2);
        }
        int line = origin == null ? -1 : origin.lineNumber();
        return new ConfigException(name, (line > 0 ? line + ": " : "") + reason);
    }

    /** Parses HOCON text (a checkpoint's recorded config) with overrides on top. */
    public static JobConfig parse(String hoconText, List<String> overrides) {
        return parse(hoconText, "<string>", overrides);
    }

    /** Parses HOCON text read from {@code source} (a path, a checkpoint): a syntax error names it. */
    public static JobConfig parse(String hoconText, String source, List<String> overrides) {
        try {
            Config base = ConfigFactory.parseString(hoconText,
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(source));
            return of(base, overrides);
        } catch (com.typesafe.config.ConfigException e) {
            throw syntaxError(source, e);
        }
    }

    /** Typesafe's message starts with the origin ("file: 3: ..."); the error is keyed by the file instead. */
    private static ConfigException syntaxError(String source, com.typesafe.config.ConfigException e) {
        String m = e.getMessage();
        return new ConfigException(source, m.startsWith(source + ": ") ? m.substring(source.length() + 2) : m);
    }

    private static JobConfig of(Config base, List<String> overrides) {
        // later --set wins: apply in order, each on top of the previous
        Config merged = base;
        for (String o : overrides) merged = parseOverride(o).withFallback(merged);
        Config resolved = merged.withFallback(defaults()).resolve();
        checkKnownKeys(resolved);
        for (Setting s : JobSettings.ALL) check(resolved, s);
        JobConfig job = new JobConfig(resolved);
        job.trainerConfig(); // the engine checks its own settings (optimizer names, schedule lengths)
        return job;
    }

    static Config parseOverride(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new ConfigException("--set", "expected key=value, got '" + assignment + "'");
        String key = assignment.substring(0, eq).trim();
        String value = assignment.substring(eq + 1).trim();
        if (!JobSettings.has(key) && insideMap(key)) { // train.lrMultipliers.conv=0.1: one entry of the map
            try {
                return ConfigFactory.parseString(key + " = " + value);
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException(key, "cannot parse value '" + value + "': " + e.getMessage());
            }
        }
        if (!JobSettings.has(key)) throw new ConfigException(key, "unknown setting" + suggestion(key));
        Setting s = JobSettings.get(key);
        boolean quote = (s.type() == Setting.Type.STRING || s.type() == Setting.Type.URI || s.type() == Setting.Type.ENUM)
                && !value.startsWith("\"");
        String text = quote ? ConfigValueQuoting.quote(value) : value;
        try {
            return ConfigFactory.parseString(key + " = " + text);
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(key, "cannot parse value '" + value + "': " + e.getMessage());
        }
    }

    private static Config defaults() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : JobSettings.ALL) {
            if (s.defaultValue() == null) continue;
            boolean quote = s.type() == Setting.Type.STRING || s.type() == Setting.Type.URI || s.type() == Setting.Type.ENUM;
            sb.append(s.key()).append(" = ").append(quote ? ConfigValueQuoting.quote(s.defaultValue()) : s.defaultValue()).append('\n');
        }
        return ConfigFactory.parseString(sb.toString());
    }

    private static void checkKnownKeys(Config c) {
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            if (!JobSettings.has(e.getKey()) && !insideMap(e.getKey())) {
                throw new ConfigException(e.getKey(), "unknown setting" + suggestion(e.getKey())
                        + " (" + e.getValue().origin().description() + ")");
            }
        }
    }

    /** A key under a name-to-number setting (train.lrMultipliers.conv): the user's name, checked by check(). */
    private static boolean insideMap(String key) {
        for (Setting s : JobSettings.ALL) {
            if (s.type() == Setting.Type.DOUBLE_MAP && key.startsWith(s.key() + ".")) return true;
        }
        return false;
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting s : JobSettings.ALL) {
            int d = editDistance(key.toLowerCase(), s.key().toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = s.key();
            }
        }
        return best != null && bestDistance <= 3 ? "; did you mean " + best + "?" : "; see --help for the list";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static void check(Config c, Setting s) {
        if (!c.hasPath(s.key())) throw new ConfigException(s.key(), "required setting is missing (" + s.description() + ")");
        try {
            switch (s.type()) {
                case STRING -> c.getString(s.key());
                case URI -> {
                    String v = c.getString(s.key());
                    if (!v.isEmpty()) checkUri(s.key(), v);
                }
                case INT -> checkRange(s, c.getInt(s.key()));
                case LONG -> checkRange(s, c.getLong(s.key()));
                case DOUBLE -> checkRange(s, c.getDouble(s.key()));
                case BOOLEAN -> c.getBoolean(s.key());
                case ENUM -> {
                    String v = c.getString(s.key());
                    if (!s.choices().contains(v)) {
                        throw new ConfigException(s.key(), "'" + v + "' is not one of " + String.join(", ", s.choices()));
                    }
                }
                case DOUBLE_LIST -> c.getDoubleList(s.key());
                case STRING_LIST -> {
                    for (String v : c.getStringList(s.key())) {
                        if (v.isEmpty()) throw new ConfigException(s.key(), "an entry is empty");
                    }
                }
                case DOUBLE_MAP -> doubleMap(c, s.key());
                case LONG_LIST -> c.getLongList(s.key());
                case INT_LIST -> {
                    for (int v : c.getIntList(s.key())) {
                        if (v <= 0) throw new ConfigException(s.key(), "every entry must be positive, got " + c.getIntList(s.key()));
                    }
                }
                default -> throw new IllegalStateException("unhandled setting type " + s.type());
            }
        } catch (WrongType e) {
            throw new ConfigException(s.key(), "expected " + s.type().name().toLowerCase().replace('_', ' ')
                    + ": " + e.getMessage());
        }
    }

    /** An object of names to numbers; a dotted name must be quoted ("stage1.conv" = 0.1), else HOCON nests it. */
    private static Map<String, Double> doubleMap(Config c, String key) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.getObject(key).entrySet()) {
            Object v = e.getValue().unwrapped();
            if (!(v instanceof Number n)) {
                throw new ConfigException(key, "'" + e.getKey() + "' must map to a number, got " + e.getValue().render(
                        ConfigRenderOptions.concise()) + (v instanceof Map ? " (quote a layer name that holds dots)" : ""));
            }
            out.put(e.getKey(), n.doubleValue());
        }
        return out;
    }

    private static void checkUri(String key, String v) {
        try {
            URI u = new URI(v);
            if (u.getPath() == null || u.getPath().isEmpty()) throw new ConfigException(key, "URI '" + v + "' has no path");
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "not a URI: " + e.getMessage());
        }
    }

    private static void checkRange(Setting s, double v) {
        if (v < s.min() || v > s.max()) {
            throw new ConfigException(s.key(), v + " is out of range " + s.shownRange());
        }
    }

    private Config config() {
        if (config == null) config = ConfigFactory.parseString(hocon).resolve();
        return config;
    }

    private static void declared(String key) {
        if (!JobSettings.has(key)) throw new IllegalArgumentException("undeclared setting " + key);
    }

    public String string(String key) {
        declared(key);
        return config().getString(key);
    }

    public int integer(String key) {
        declared(key);
        return config().getInt(key);
    }

    public long longValue(String key) {
        declared(key);
        return config().getLong(key);
    }

    public double decimal(String key) {
        declared(key);
        return config().getDouble(key);
    }

    public boolean bool(String key) {
        declared(key);
        return config().getBoolean(key);
    }

    public double[] doubles(String key) {
        declared(key);
        List<Double> l = config().getDoubleList(key);
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = l.get(i);
        return d;
    }

    public int[] ints(String key) {
        declared(key);
        List<Integer> l = config().getIntList(key);
        int[] d = new int[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = l.get(i);
        return d;
    }

    public List<String> strings(String key) {
        declared(key);
        return List.copyOf(config().getStringList(key));
    }

    /** A name-to-number setting, in the order written. */
    public Map<String, Double> doubleMap(String key) {
        declared(key);
        return doubleMap(config(), key);
    }

    /**
     * The engine's training settings: trainer.* plus the batch size per worker, epochs and
     * seed, which the job names itself. A value the engine refuses names its trainer.* key.
     */
    public TrainerConfig trainerConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (TrainerConfig.Setting t : TrainerConfig.SETTINGS) {
            if (JobSettings.TRAINER_OWNED_BY_JOB.contains(t.name())) continue;
            m.put(t.name(), config().getAnyRef(JobSettings.TRAINER_PREFIX + t.name()));
        }
        m.put("batchSize", integer("train.batchSizePerWorker"));
        m.put("epochs", integer("train.epochs"));
        m.put("seed", longValue("run.seed"));
        try {
            return TrainerConfig.fromMap(m);
        } catch (IllegalArgumentException e) {
            Matcher named = SETTING_NAME.matcher(String.valueOf(e.getMessage()));
            String key = named.find() ? JobSettings.TRAINER_PREFIX + named.group(1) : "trainer";
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** A copy with more overrides applied (key=value). */
    public JobConfig with(String... assignments) {
        return parse(hocon, List.of(assignments));
    }

    /** The full resolved settings as HOCON text: what a checkpoint records. */
    public String render() { return hocon; }

    /** Settings that differ from their defaults, for logs. */
    public List<String> nonDefaults() {
        Config d = defaults();
        List<String> out = new ArrayList<>();
        for (Setting s : JobSettings.ALL) {
            ConfigValue v = config().getValue(s.key());
            if (!d.hasPath(s.key()) || !d.getValue(s.key()).unwrapped().equals(v.unwrapped())) {
                out.add(s.key() + " = " + v.render(ConfigRenderOptions.concise()));
            }
        }
        return out;
    }
}
