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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prep as an operator installs it: every dataset kind has an env example, a crontab line and a systemd
 * timer instance, and the command its crontab line runs (prep-incremental.sh with the example's settings,
 * paths pointed at a tiny dataset, local master) shards that dataset from the jars of deploy/build-dist.sh.
 * Kinetics proves the dist ships FFmpeg with its natives: the job runs with an empty JavaCPP cache.
 */
class ScheduledPrepTest {
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
            Dist.Run r = Dist.bash(command, Dist.env(dist, home), tmp.resolve("run-" + kind + ".out"), 900);
            String log = Files.exists(tmp.resolve("prep-" + kind + ".log"))
                    ? Files.readString(tmp.resolve("prep-" + kind + ".log"), StandardCharsets.UTF_8) : r.output();
            if (r.exit() != 0 || !log.contains("run 1 committed")) {
                failures.put(kind, "exit " + r.exit() + ":\n" + tail(log));
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
