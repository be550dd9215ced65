package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkcnn.dataprep.readers.ImageFolderReader;
import io.sparkcnn.model.progress.JobConsole;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prep run tells its console each phase in order, and a rerun that has nothing to do says so. */
class PrepConsoleTest extends SparkTestBase {
    @TempDir
    Path tmp;

    private List<String> phases(Path in, Path out) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JobConsole console = new JobConsole("prep", new PrintStream(bytes, true, StandardCharsets.UTF_8), false, System::nanoTime);
        PrepOptions o = PrepOptions.defaults("image-folder", in.toUri().toString(), out.toUri().toString());
        new PrepJob(spark, new ImageFolderReader(), o, console).run();
        // "[prep 00:01] listing: file:/..." -> "listing"
        // progress lines ("processing 2 units: 3/8 tasks; ...") come only on a slow run: not a phase
        return bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.contains(" tasks; "))
                .map(l -> l.replaceFirst("^\\[prep [0-9:]+\\] ", ""))
                .map(l -> l.replaceFirst(":.*", "")).toList();
    }

    @Test
    void eachPhaseIsToldInOrder() throws Exception {
        Path in = tmp.resolve("in");
        Path out = tmp.resolve("out");
        Fixtures.put(in, "cat/1.jpg", Fixtures.jpeg(20, 16, 1));
        Fixtures.put(in, "dog/1.jpg", Fixtures.jpeg(16, 20, 3));
        assertEquals(List.of("listing", "comparing", "processing", "processed 2 units into 2 rows and 0 rejects", "committing",
                "writing manifest"), phases(in, out));
        List<String> again = phases(in, out);
        assertEquals(List.of("listing", "comparing", "nothing to do"), again);
    }
}
