package io.sparkcnn.jobs;

import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.model.train.Evaluation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The train, evaluate and predict jobs end to end on small shards, in local mode on file://. */
class TrainJobTest extends SharedSpark {
    @TempDir
    static Path tmp;
    private String data;
    private Path network;

    @BeforeAll
    void writeData() throws IOException {
        data = TinyShards.write(spark, tmp.resolve("shards").toUri().toString(), 400, 120);
        network = tmp.resolve("tinycnn.conf");
        Files.writeString(network, TinyShards.networkConfig());
    }

    private JobConfig config(String run, String... more) {
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + tmp.resolve(run).toUri(), "data.path=" + data, "model.file=" + network,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=3", "train.epochs=2", "train.checkpointEvery=4", "train.keepCheckpoints=2",
                "trainer.learningRate=0.05", "trainer.momentum=0.9", "backend.kind=cpu", "data.shuffleBlockRows=16",
                "augment.padCrop=1", "augment.brightness=0.2", "eval.batchSize=32", "train.progress=off"));
        o.addAll(List.of(more));
        return JobConfig.load(null, o);
    }

    private TrainJob.Result train(JobConfig cfg, boolean resume) {
        return TrainJob.run(spark, JobPlan.prepare(cfg, sc.hadoopConfiguration()), resume);
    }

    private float[] checkpointParams(String run) throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.resolve(run).toUri().toString(), sc.hadoopConfiguration());
        return store.newest().orElseThrow().checkpoint().params();
    }

    @Test
    void trainsCheckpointsEvaluatesAndLogsEveryRound() throws IOException {
        TrainJob.Result r = train(config("full"), false);
        // 400 rows / (2 x 8) = 25 minibatches per epoch, k = 3: 9 rounds per epoch
        assertEquals(50, r.state().step());
        assertEquals(18, r.state().round());
        assertEquals(2, r.state().epoch());
        assertTrue(r.evaluation().accuracy() > 0.8, "accuracy " + r.evaluation().accuracy());
        assertEquals(120, r.evaluation().count());

        Path checkpoints = tmp.resolve("full/checkpoints");
        try (var dirs = Files.list(checkpoints)) {
            assertEquals(List.of("step-000000000046", "step-000000000050"), dirs.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.exists(checkpoints.resolve("step-000000000050/evaluation-test.json")));
        String report = Files.readString(checkpoints.resolve("step-000000000050/evaluation-test.json"));
        assertTrue(report.contains("\"top1\"") && report.contains("\"confusion\""), report);
        List<String> lines = Files.readAllLines(tmp.resolve("full/metrics/rounds-000000000001.jsonl"));
        assertEquals(18, lines.size());
        assertTrue(lines.get(0).contains("\"perWorker\":[{\"worker\":0"), lines.get(0));
        assertTrue(lines.get(0).contains("\"broadcastMs\"") && lines.get(0).contains("\"aggregateMs\""), lines.get(0));

        // evaluate on its own reads the newest checkpoint and agrees with the end-of-training evaluation
        Evaluation again = EvaluateJob.run(spark, JobPlan.prepare(config("full"), sc.hadoopConfiguration()));
        assertEquals(r.evaluation().correct(), again.correct());
        assertEquals(r.evaluation().lossSum(), again.lossSum());

        String out = PredictJob.run(spark, JobPlan.prepare(config("full", "predict.topK=2"), sc.hadoopConfiguration()));
        Dataset<Row> p = spark.read().parquet(out);
        assertEquals(120, p.count());
        long correct = p.filter("label = predicted").count();
        assertEquals(r.evaluation().correct(), correct);
        assertEquals(2, p.first().getList(p.first().fieldIndex("top_classes")).size());

        // a fresh run into a directory with checkpoints is refused; --resume of a finished run trains no more
        ConfigException refused = assertThrows(ConfigException.class, () -> train(config("full"), false));
        assertEquals("run.dir", refused.key());
        TrainJob.Result finished = train(config("full", "train.evaluateAtEnd=false"), true);
        assertEquals(50, finished.state().step());
        assertEquals(18, Files.readAllLines(tmp.resolve("full/metrics/rounds-000000000001.jsonl")).size());
    }

    @Test
    void stoppingAfterARoundAndResumingGivesTheUninterruptedParametersBitForBit() throws IOException {
        train(config("whole"), false);
        TrainJob.Result stopped = train(config("parts", "train.maxRounds=5"), false);
        assertEquals(5, stopped.state().round());
        assertEquals(null, stopped.evaluation());
        TrainJob.Result resumed = train(config("parts"), true);
        assertEquals(18, resumed.state().round());
        assertArrayEquals(checkpointParams("whole"), checkpointParams("parts"));
        // and a second run with the same seed and workers lands on the same bits
        train(config("again"), false);
        assertArrayEquals(checkpointParams("whole"), checkpointParams("again"));
    }
}
