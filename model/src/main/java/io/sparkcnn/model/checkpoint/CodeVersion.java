package io.sparkcnn.model.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The code version every checkpoint records: the Maven project version (a filtered
 * resource) plus the git commit when one is known, e.g. "0.1.0-SNAPSHOT git f84969a0...".
 * The commit comes from the build ({@code -Dgit.commit=...}) or, when the classes run from a
 * git checkout (tests, local runs), from the checkout's .git directory; otherwise it is left out.
 */
public final class CodeVersion {
    private static final String RESOURCE = "/io/sparkcnn/model/version.properties";
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{7,64}");
    private static final String CURRENT = compute();

    private CodeVersion() {}

    public static String current() { return CURRENT; }

    /** The project version alone ("unknown" when the resource is missing, e.g. unfiltered sources). */
    public static String projectVersion() {
        String v = properties().getProperty("version", "");
        return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }

    /** The git commit, or null when neither the build nor a checkout tells it. */
    public static String gitCommit() {
        String c = properties().getProperty("git.commit", "").trim();
        if (HASH.matcher(c).matches()) return c;
        return commitFromCheckout();
    }

    private static String compute() {
        String commit = gitCommit();
        return projectVersion() + (commit != null ? " git " + commit : "");
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = CodeVersion.class.getResourceAsStream(RESOURCE)) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // an unreadable resource leaves the version unknown rather than failing a checkpoint
        }
        return p;
    }

    /** Walks up from where the classes were loaded to a .git directory and reads HEAD. */
    private static String commitFromCheckout() {
        try {
            var source = CodeVersion.class.getProtectionDomain().getCodeSource();
            if (source == null) return null;
            for (Path dir = Path.of(source.getLocation().toURI()).toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path git = dir.resolve(".git");
                if (Files.isDirectory(git)) return readHead(git);
            }
        } catch (IOException | URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static String readHead(Path git) throws IOException {
        String head = Files.readString(git.resolve("HEAD"), StandardCharsets.UTF_8).trim();
        if (!head.startsWith("ref: ")) return HASH.matcher(head).matches() ? head : null;
        String ref = head.substring(5).trim();
        Path loose = git.resolve(ref);
        if (Files.isRegularFile(loose)) {
            String c = Files.readString(loose, StandardCharsets.UTF_8).trim();
            return HASH.matcher(c).matches() ? c : null;
        }
        Path packed = git.resolve("packed-refs");
        if (!Files.isRegularFile(packed)) return null;
        for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2 && parts[1].equals(ref) && HASH.matcher(parts[0]).matches()) return parts[0];
        }
        return null;
    }
}
