package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prep as an operator installs it: every dataset kind has an env example, a crontab line and a systemd
 * timer instance, and the command its crontab line runs (prep-incremental.sh with the example's settings,
 * paths pointed at a tiny dataset, local master) shards that dataset.
 * <p>
 * Every kind's crontab command runs through the real script. Two kinds go all the way through spark-submit
 * from the jars of deploy/build-dist.sh: imagenet, and kinetics, which proves the dist ships FFmpeg with its
 * natives (the job runs with an empty JavaCPP cache). The other kinds' launches (~30 s of JVM and Spark
 * start-up each, the same jars) are recorded instead: the script's spark-submit is a stub that writes down
 * its arguments, and the application arguments it was given run in this JVM's session through PrepCli, as
 * spark-submit would have run them.
 */
class ScheduledPrepTest extends SparkTestBase {
    /** The kinds launched through spark-submit for real. */
    private static final Set<String> SUBMITTED = Set.of("imagenet", "kinetics");

    @TempDir
    Path tmp;

    @Test
    void everyKindHasAScheduleAndItsCronCommandShardsATinyDataset() throws Exception {
        Path dist = Dist.dist();
        Path root = Dist.root();
        Path prep = root.resolve("deploy/prep");
        List<String> cron = new ArrayList<>();
        for (String l : Dist.lines(prep.resolve("crontab"))) {
            if (!l.isBlank() && !l.startsWith("#")) {
                cron.add(l);
            }
        }
        String service = Files.readString(prep.resolve("sparkcnn-prep@.service"));
        assertTrue(service.contains("ExecStart=/opt/sparkcnn/deploy/prep/prep-incremental.sh /etc/sparkcnn/prep-%i.env"), service);
        assertEquals(Readers.KINDS.size(), cron.size(), "one crontab line per dataset kind: " + cron);

        Map<String, String> failures = new LinkedHashMap<>();
        for (String kind : Readers.KINDS) {
            Path example = prep.resolve("prep-" + kind + ".env.example");
            assertTrue(Files.isRegularFile(example), "deploy/prep has no env example for " + kind);
            String envName = "/etc/sparkcnn/prep-" + kind + ".env";
            String line = cron.stream().filter(l -> l.contains(envName + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no crontab line runs " + envName));

            Path in = tmp.resolve("in-" + kind);
            long rows = writeTinyDataset(kind, in);
            Path out = tmp.resolve("out-" + kind);
            Path env = tmp.resolve("prep-" + kind + ".env");
            // the example as shipped, with what an operator changes for this machine
            Files.writeString(env, "source " + example + "\n"
                    + "SPARKCNN_DIST=" + dist + "\nSPARK_HOME=\nSPARK_MASTER='local[2]'\n"
                    + "INPUT=" + in.toUri() + "\nOUTPUT=" + out.toUri() + "\nPREP_LOCK=" + tmp.resolve(kind + ".lock") + "\n");
            // the crontab line's command, with the install paths pointed at this checkout
            String command = line.split("\\s+", 6)[5]
                    .replace("/opt/sparkcnn/", root + "/")
                    .replace(envName, env.toString())
                    .replace("/var/log/sparkcnn/", tmp + "/");
            Path home = Files.createDirectories(tmp.resolve("home-" + kind));
            Map<String, String> processEnv = new LinkedHashMap<>(Dist.env(dist, home));
            Path recorded = tmp.resolve("submit-" + kind + ".args");
            if (!SUBMITTED.contains(kind)) {
                processEnv.put("SPARK_SUBMIT", recordingSubmit(recorded).toString());
            }
            Dist.Run r = Dist.bash(command, processEnv, tmp.resolve("run-" + kind + ".out"), 900);
            Path logFile = tmp.resolve("prep-" + kind + ".log");
            String log = Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : r.output();
            if (r.exit() != 0) {
                failures.put(kind, "exit " + r.exit() + ":\n" + tail(log));
                continue;
            }
            if (!SUBMITTED.contains(kind)) {
                List<String> args = List.of(Files.readString(recorded, StandardCharsets.UTF_8).split("\0"));
                String submitted = checkSubmitted(kind, args);
                if (submitted != null) {
                    failures.put(kind, submitted + ": " + args);
                    continue;
                }
                int exit = PrepCli.run(applicationArgs(args).toArray(String[]::new));
                if (exit != 0) {
                    failures.put(kind, "PrepCli " + applicationArgs(args) + " exited " + exit);
                    continue;
                }
            } else if (!log.contains("run 1 committed")) {
                failures.put(kind, "no \"run 1 committed\" in its log:\n" + tail(log));
                continue;
            }
            try (InputStream m = Files.newInputStream(out.resolve(Manifest.FILE_NAME))) {
                Manifest manifest = Manifest.read(m);
                long written = manifest.splits().values().stream().mapToLong(Manifest.SplitCounts::rows).sum();
                if (written != rows || manifest.rejects().total() != 0) {
                    failures.put(kind, written + " rows and " + manifest.rejects().total() + " rejects, expected " + rows
                            + " rows and none:\n" + tail(log));
                }
            }
        }
        assertTrue(failures.isEmpty(), "scheduled runs that failed: " + failures);
    }

    /** A spark-submit that records its arguments (NUL-separated) and succeeds. */
    private Path recordingSubmit(Path recorded) throws IOException {
        Path stub = tmp.resolve("record-submit-" + recorded.getFileName() + ".sh");
        Files.writeString(stub, "#!/usr/bin/env bash\nprintf '%s\\0' \"$@\" > '" + recorded + "'\n");
        stub.toFile().setExecutable(true);
        return stub;
    }

    /** Null when the script asked spark-submit for what this kind needs, else what was wrong. */
    private static String checkSubmitted(String kind, List<String> args) {
        int cls = args.indexOf("--class");
        if (cls < 0 || !"io.sparkcnn.dataprep.PrepCli".equals(args.get(cls + 1))) {
            return "not submitted with --class io.sparkcnn.dataprep.PrepCli";
        }
        int master = args.indexOf("--master");
        if (master < 0 || !"local[2]".equals(args.get(master + 1))) {
            return "not submitted to the env file's SPARK_MASTER local[2]";
        }
        int jars = args.indexOf("--jars");
        if (jars < 0 || !args.get(jars + 1).contains("/delta-spark_")) {
            return "the dist's Delta Lake jar is not in --jars";
        }
        List<String> app = applicationArgs(args);
        if (app.size() < 3 || !app.get(0).equals(kind)) {
            return "application arguments do not start with the kind " + kind;
        }
        return null;
    }

    /** What follows the application jar: KIND INPUT OUTPUT and the env file's PREP_OPTIONS. */
    private static List<String> applicationArgs(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).matches(".*/app/sparkcnn-data-prep-[^/,]*\\.jar")) {
                return args.subList(i + 1, args.size());
            }
        }
        throw new AssertionError("no data-prep application jar in " + args);
    }

    private static String tail(String log) {
        String[] l = log.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(l, Math.max(0, l.length - 40), l.length));
    }

    /** A clean dataset of the kind's published layout (the reader tests cover the bad files); returns its rows. */
    static long writeTinyDataset(String kind, Path in) throws IOException {
        switch (kind) {
            case "imagenet" -> {
                Fixtures.put(in, "train/n01440764/n01440764_10.JPEG", Fixtures.jpeg(80, 60, 1));
                Fixtures.put(in, "train/n01443537/n01443537_20.JPEG", Fixtures.jpeg(60, 90, 2));
                return 2;
            }
            case "image-folder" -> {
                Fixtures.put(in, "cats/1.jpg", Fixtures.jpeg(40, 30, 3));
                Fixtures.put(in, "dogs/1.png", Fixtures.png(30, 40, 4));
                return 2;
            }
            case "mnist", "fashion-mnist" -> {
                Fixtures.put(in, "train-images-idx3-ubyte.gz", Fixtures.idxImages(6, 28, 28, 5, true));
                Fixtures.put(in, "train-labels-idx1-ubyte.gz", Fixtures.idxLabels(6, 10, 5, true));
                Fixtures.put(in, "t10k-images-idx3-ubyte", Fixtures.idxImages(3, 28, 28, 6, false));
                Fixtures.put(in, "t10k-labels-idx1-ubyte", Fixtures.idxLabels(3, 10, 6, false));
                return 9;
            }
            case "cityscapes" -> {
                String a = "aachen_000000_000019";
                Fixtures.put(in, "leftImg8bit/train/aachen/" + a + "_leftImg8bit.png", Fixtures.png(64, 32, 7));
                Fixtures.put(in, "gtFine/train/aachen/" + a + "_gtFine_labelIds.png", ImageCodec.encodeGrayPng(labelIds(64, 32)));
                Fixtures.put(in, "gtFine/train/aachen/" + a + "_gtFine_instanceIds.png",
                        ImageCodec.encodeGrayPng(new GrayImage(64, 32, new int[64 * 32])));
                return 1;
            }
            case "coco" -> {
                Fixtures.put(in, "val2017/000000000139.jpg", Fixtures.jpeg(64, 48, 8));
                Fixtures.put(in, "val2017/000000000285.jpg", Fixtures.jpeg(40, 40, 9));
                Fixtures.put(in, "annotations/instances_val2017.json", """
                        {"images": [{"id": 139, "file_name": "000000000139.jpg", "width": 64, "height": 48},
                                    {"id": 285, "file_name": "000000000285.jpg", "width": 40, "height": 40}],
                         "annotations": [{"id": 1, "image_id": 139, "category_id": 1, "bbox": [10, 8, 20, 16], "area": 320,
                                          "iscrowd": 0, "segmentation": [[10, 8, 30, 8, 30, 24, 10, 24]]}],
                         "categories": [{"id": 1, "name": "person"}, {"id": 2, "name": "bicycle"}]}
                        """.getBytes(StandardCharsets.UTF_8));
                return 2;
            }
            case "kinetics" -> {
                Fixtures.put(in, "annotations/train.csv", ("label,youtube_id,time_start,time_end,split\n"
                        + "abseiling,-abc_DEF-12,10,20,train\n").getBytes(StandardCharsets.UTF_8));
                Path clip = in.resolve("train/abseiling/-abc_DEF-12_000010_000020.mp4");
                Files.createDirectories(clip.getParent());
                Fixtures.h264Clip(clip, 64, 48, 20, 1);
                return 1;
            }
            default -> throw new AssertionError("no tiny dataset for kind " + kind + ": add one here");
        }
    }

    private static GrayImage labelIds(int w, int h) {
        int[] v = new int[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % w < w / 2 ? 7 : 26; // road | car
        }
        return new GrayImage(w, h, v);
    }
}
