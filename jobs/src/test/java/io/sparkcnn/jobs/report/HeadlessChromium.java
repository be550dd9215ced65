package io.sparkcnn.jobs.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A page as a person's browser shows it: Debian's headless Chromium loads a copy of the page with a
 * small script added that, once everything has loaded, writes each image's decoded width onto it;
 * the DOM it dumps then tells which images the browser could draw. Chromium missing skips the
 * test, except where -Dsparkcnn.requireDist=true (deploy/run-tests.sh, CI) says the machine must
 * have it (deploy/install-deps.sh installs it): there it fails.
 */
public final class HeadlessChromium {
    /** The page after loading: its DOM (images' data left out) and each image's naturalWidth, in order. */
    public record View(String dom, String text, List<Integer> naturalWidths) {}

    private static final String MARKER = "<script>window.addEventListener('load',()=>{for(const i of document.images)"
            + "i.setAttribute('data-natural-width',i.naturalWidth);document.body.setAttribute('data-loaded','yes')})</script>";

    private HeadlessChromium() {}

    static String binary() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
            }
        }
        String why = "no chromium on PATH: install Debian's chromium (deploy/install-deps.sh does) to test the report in a browser";
        if (Boolean.getBoolean("sparkcnn.requireDist") || System.getenv("CI") != null) fail(why);
        assumeTrue(false, why);
        return null;
    }

    /** Loads the page (a file) in headless Chromium and returns what it drew. */
    public static View load(Path page, Path scratch) throws IOException, InterruptedException {
        String chromium = binary();
        String html = Files.readString(page, StandardCharsets.UTF_8);
        int end = html.lastIndexOf("</body>");
        assertTrue(end > 0, "no </body> in " + page);
        Path marked = scratch.resolve("marked-" + page.getFileName());
        Files.writeString(marked, html.substring(0, end) + MARKER + html.substring(end), StandardCharsets.UTF_8);
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        Path dom = scratch.resolve("dom.html"), log = scratch.resolve("chromium.log");
        Process p = new ProcessBuilder(chromium, "--headless", "--disable-gpu", "--no-sandbox", "--user-data-dir=" + profile,
                "--virtual-time-budget=5000", "--dump-dom", marked.toUri().toString())
                .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(log));
        String out = Files.readString(dom, StandardCharsets.UTF_8).replaceAll("base64,[A-Za-z0-9+/=]+", "base64,...");
        assertTrue(out.contains("data-loaded=\"yes\""), "the page never finished loading: " + out);
        List<Integer> widths = new ArrayList<>();
        Matcher m = Pattern.compile("<img\\b[^>]*>").matcher(out);
        while (m.find()) {
            Matcher w = Pattern.compile("data-natural-width=\"(\\d+)\"").matcher(m.group());
            widths.add(w.find() ? Integer.parseInt(w.group(1)) : -1);
        }
        String text = out.replaceAll("(?s)<(script|style|title)\\b.*?</\\1>", "").replaceAll("<[^>]*>", " ").replace("&amp;", "&")
                .replaceAll("\\s+", " ");
        return new View(out, text, widths);
    }
}
