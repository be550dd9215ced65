package io.sparkcnn.jobs.config;

/**
 * Prints the settings reference of docs/configuration.md from {@link JobSettings}, so the
 * docs, --help and the code cannot drift apart: {@code java ... ConfigurationDoc > table.md}.
 */
public final class ConfigurationDoc {
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

    public static void main(String[] args) {
        System.out.print(table());
    }
}
