package io.sparkcnn.jobs.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the settings reference of docs/configuration.md from {@link JobSettings}, so the
 * docs, --help and the code cannot drift apart: everything from the "## Settings" heading up
 * to the next "## " heading is this table. {@code ConfigurationDoc docs/configuration.md}
 * rewrites the file; with no argument it prints the table. ConfigurationDocTest fails when
 * the file and the table differ (and rewrites it with -DregenerateDocs=true).
 */
public final class ConfigurationDoc {
    static final String HEADING = "## Settings\n";

    private ConfigurationDoc() {}

    public static String table() {
        StringBuilder b = new StringBuilder();
        String group = "";
        for (Setting s : JobSettings.ALL) {
            String g = s.key().substring(0, s.key().indexOf('.'));
            if (!g.equals(group)) {
                b.append("\n### ").append(g).append("\n\n| key | type | default | range | description |\n|---|---|---|---|---|\n");
                group = g;
            }
            b.append("| `").append(s.key()).append("` | ").append(s.type().name().toLowerCase().replace('_', ' '))
                    .append(" | ").append(s.shownDefault().replace("|", "\\|"))
                    .append(" | ").append(s.shownRange().replace("|", " \\| "))
                    .append(" | ").append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** The document with its settings section replaced by {@link #table()}. */
    public static String regenerate(String doc) {
        int at = doc.indexOf(HEADING);
        if (at < 0) throw new IllegalArgumentException("the document has no '" + HEADING.trim() + "' heading");
        int start = at + HEADING.length();
        int next = doc.indexOf("\n## ", start);
        String rest = next < 0 ? "" : "\n" + doc.substring(next + 1);
        return doc.substring(0, start) + table() + rest;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.out.print(table());
            return;
        }
        Path doc = Path.of(args[0]);
        Files.writeString(doc, regenerate(Files.readString(doc)));
    }
}
