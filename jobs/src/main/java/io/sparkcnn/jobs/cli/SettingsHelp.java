package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.config.JobSettings;
import io.sparkcnn.jobs.config.Setting;

/** The settings table of --help: key, default, allowed values and description, one setting per entry. */
final class SettingsHelp {
    private SettingsHelp() {}

    static String table() {
        StringBuilder b = new StringBuilder();
        String group = "";
        for (Setting s : JobSettings.ALL) {
            String g = s.key().substring(0, s.key().indexOf('.'));
            if (!g.equals(group)) {
                b.append("%n");
                group = g;
            }
            String range = s.shownRange();
            b.append(String.format("  %-30s = %s%s%n", s.key(), escape(s.shownDefault()), range.isEmpty() ? "" : "   (" + escape(range) + ")"));
            b.append("      ").append(escape(s.description())).append("%n");
        }
        return b.toString();
    }

    /** picocli formats footers with String.format: a literal % must be doubled. */
    private static String escape(String s) { return s.replace("%", "%%"); }
}
