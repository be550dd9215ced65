package io.sparkcnn.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.jobs.TinyShards;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FeedBench's feed path on a tiny shard table (80 raw 12x12 rows): the shipped Fashion-MNIST and
 * ImageNet configs' feeds fill the number of examples asked for, in minibatches of the config's
 * size and the network's input shape, with labels of the data; and the command writes its figures.
 * Not a timing test: no rate is asserted.
 */
class FeedBenchTest extends SharedSpark {
    @TempDir
    static Path tmp;
    static String data;

    @BeforeAll
    void shards() throws Exception {
        data = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 80, 8);
    }

    private static FeedBench.Case tiny(String name, String conf, int warmup, int examples, int reps, String... more) {
        List<String> sets = new ArrayList<>(List.of("data.path=" + data, "run.dir=" + tmp.resolve("run-" + name).toUri(),
                "train.workers=1", "backend.kind=cpu"));
        sets.addAll(List.of(more));
        return new FeedBench.Case(name, new File("../conf/" + conf), sets, warmup, examples, reps, 1, 1);
    }

    @Test
    void theFashionMnistFeedFillsMinibatchesOfTheNetworksInput() {
        checkFeed(tiny("fashion", "fashion-mnist-lenet.conf", 64, 128, 2), 64, new int[] {1, 28, 28});
    }

    @Test
    void theImageNetFeedFillsMinibatchesOf224x224Rgb() {
        // the conf's resnet50 at [3, 224, 224], batch 16, random resized crops, flips and colour jitter
        checkFeed(tiny("imagenet", "imagenet-resnet50.conf", 16, 40, 3), 16, new int[] {3, 224, 224});
    }

    private void checkFeed(FeedBench.Case c, int batch, int[] input) {
        FeedBench.Prepared p = FeedBench.prepare(c, sc.hadoopConfiguration());
        assertEquals(batch, p.batch());
        assertArrayEquals(input, p.plan().network().input().dims());
        int size = input[0] * input[1] * input[2];
        assertEquals(size, p.inputSize());

        FeedBench.FeedTiming t = FeedBench.timeFeed(p);
        int perRep = (c.examples() + batch - 1) / batch * batch;
        assertEquals(perRep, t.examplesPerRep());
        assertEquals(c.reps(), t.seconds().length);
        long expected = (long) (c.warmupExamples() + batch - 1) / batch * batch + (long) c.reps() * perRep;
        assertEquals(expected, t.examplesFilled());
        assertEquals(expected / batch, t.stepsFilled());
        for (double r : t.examplesPerSecond()) assertTrue(r > 0 && Double.isFinite(r), "rate " + r);

        assertEquals(batch * size, t.lastInputs().length);
        assertEquals(batch, t.lastTargets().length);
        for (int i = 0; i < batch; i++) {
            float label = t.lastTargets()[i];
            assertTrue(label == Math.rint(label) && label >= 0 && label < TinyShards.CLASSES, "label " + label);
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (int k = i * size; k < (i + 1) * size; k++) {
                float v = t.lastInputs()[k];
                assertTrue(Float.isFinite(v), "example " + i + " input " + k + " = " + v);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertTrue(max > min, "example " + i + " of the minibatch is constant (" + min + "): nothing was decoded");
        }
        // the feed moves on: the first timed minibatch is not the last one
        assertFalse(java.util.Arrays.equals(t.firstTimedInputs(), t.lastInputs()));
    }

    @Test
    void theCommandPrintsAndWritesTheFeedBesideTheTrainingRate() throws Exception {
        FeedBench.Case c = tiny("cmd", "fashion-mnist-lenet.conf", 64, 64, 2);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        String out = tmp.resolve("results/feed").toString();
        FeedBench.run(List.of(c), 1, out, new PrintStream(console, true, StandardCharsets.UTF_8));
        String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("feed / training = "), text);

        JsonNode json = new ObjectMapper().readTree(new File(out + ".json"));
        JsonNode r = json.get("cases").get(0);
        assertEquals("lenet5_wide", r.get("model").asText());
        assertEquals(64, r.get("batch").asInt());
        assertEquals(2, r.get("feed").get("examplesPerSecond").size());
        assertEquals(1, r.get("training").get("stepSeconds").size());
        double ratio = r.get("feed").get("medianExamplesPerSecond").asDouble()
                / r.get("training").get("medianExamplesPerSecond").asDouble();
        assertEquals(ratio, r.get("feedOverTraining").asDouble(), 1e-9 * ratio);
        List<String> tsv = Files.readAllLines(Path.of(out + ".tsv"));
        assertEquals(1 + 2 + 1, tsv.size(), String.join("\n", tsv)); // header, 2 feed reps, 1 training step
    }
}
