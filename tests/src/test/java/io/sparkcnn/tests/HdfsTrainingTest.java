package io.sparkcnn.tests;

import io.sparkcnn.jobs.EvaluateJob;
import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.PredictJob;
import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.jobs.TinySegShards;
import io.sparkcnn.jobs.TinyShards;
import io.sparkcnn.jobs.TrainJob;
import io.sparkcnn.jobs.checkpoint.CheckpointStore;
import io.sparkcnn.jobs.config.JobConfig;
import io.sparkcnn.jobs.eval.SegmentationEvaluation;
import io.sparkcnn.model.progress.JobConsole;
import io.sparkcnn.model.train.Evaluation;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shards, checkpoints, resume, evaluation and (for segmentation) predicted PNGs on real HDFS (a
 * MiniDFSCluster in this JVM).
 */
class HdfsTrainingTest extends SharedSpark {
    @TempDir
    static java.nio.file.Path base;
    private MiniDFSCluster cluster;
    private FileSystem hdfs;
    private String uri;
    private String network;

    @BeforeAll
    void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base.toFile(), "dfs").getAbsolutePath());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        uri = hdfs.getUri().toString();
        TinyShards.write(spark, uri + "/shards/tiny", 320, 96);
        network = uri + "/conf/tinycnn.conf";
        try (OutputStream out = hdfs.create(new Path(network))) {
            out.write(TinyShards.networkConfig().getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    void stopHdfs() {
        if (cluster != null) cluster.shutdown();
    }

    private JobConfig config(String run, String... more) throws Exception {
        // the network file is read by the driver before Spark starts: fetch it from HDFS like a user's --files would
        java.nio.file.Path local = base.resolve("tinycnn.conf");
        if (!java.nio.file.Files.exists(local)) hdfs.copyToLocalFile(new Path(network), new Path(local.toUri()));
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + uri + "/runs/" + run, "data.path=" + uri + "/shards/tiny", "model.file=" + local,
                "model.input=[1, 12, 12]", "model.classes=4", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=4", "train.epochs=2", "train.checkpointEvery=3", "train.keepCheckpoints=2",
                "trainer.optimizer=adam", "trainer.learningRate=0.01", "backend.kind=cpu", "data.shuffleBlockRows=32",
                "train.progress=off", "eval.batchSize=16"));
        o.addAll(List.of(more));
        return JobConfig.load(null, o);
    }

    private TrainJob.Result train(JobConfig cfg, boolean resume) {
        return TrainJob.run(spark, JobPlan.prepare(cfg, sc.hadoopConfiguration()), resume);
    }

    private CheckpointStore store(String run) {
        return new CheckpointStore(uri + "/runs/" + run, sc.hadoopConfiguration());
    }

    @Test
    void checkpointsResumeAndEvaluationOnHdfs() throws Exception {
        TrainJob.Result whole = train(config("whole"), false);
        // 320 rows / (2 x 8) = 20 minibatches per epoch, k = 4: 5 rounds per epoch, 10 in all
        assertEquals(10, whole.state().round());
        assertTrue(whole.checkpoint().toString().startsWith("hdfs://"), whole.checkpoint().toString());
        assertTrue(hdfs.exists(new Path(whole.checkpoint(), "evaluation-test.json")));
        assertTrue(hdfs.exists(new Path(uri + "/runs/whole/metrics/rounds-000000000001.jsonl")));
        assertEquals(2, store("whole").list().size());

        TrainJob.Result first = train(config("parts", "train.maxRounds=4"), false);
        assertEquals(4, first.state().round());
        TrainJob.Result rest = train(config("parts"), true);
        assertEquals(10, rest.state().round());
        assertArrayEquals(store("whole").newest().orElseThrow().checkpoint().params(),
                store("parts").newest().orElseThrow().checkpoint().params());
        assertTrue(hdfs.exists(new Path(uri + "/runs/parts/metrics/rounds-000000000005.jsonl")), "the resumed run logs from round 5");

        Evaluation e = EvaluateJob.run(spark, JobPlan.prepare(config("parts"), sc.hadoopConfiguration()));
        assertEquals(96, e.count());
        assertEquals(whole.evaluation().correct(), e.correct());
        assertTrue(e.accuracy() > 0.7, "accuracy " + e.accuracy());
    }

    private JobConfig segmentationConfig(String run, String... more) throws Exception {
        java.nio.file.Path local = base.resolve("tinyseg.conf");
        if (!java.nio.file.Files.exists(local)) java.nio.file.Files.writeString(local, TinySegShards.networkConfig());
        List<String> o = new ArrayList<>(List.of(
                "run.dir=" + uri + "/runs/" + run, "data.path=" + uri + "/shards/tinyseg", "model.file=" + local,
                "model.input=[3, 16, 16]", "model.classes=3", "train.workers=2", "train.batchSizePerWorker=8",
                "train.averagingFrequency=2", "train.epochs=4", "train.checkpointEvery=3", "train.keepCheckpoints=2",
                "trainer.learningRate=0.1", "trainer.momentum=0.9", "backend.kind=cpu", "data.shuffleBlockRows=16",
                "augment.horizontalFlip=true", "augment.segmentationScaleMin=0.8", "augment.segmentationScaleMax=1.25",
                "eval.batchSize=16", "train.progress=off"));
        o.addAll(List.of(more));
        return JobConfig.load(null, o);
    }

    @Test
    void segmentationTrainsResumesEvaluatesAndPredictsOnHdfs() throws Exception {
        TinySegShards.write(spark, uri + "/shards/tinyseg", 96, 24);
        // 96 rows / (2 x 8) = 6 minibatches per epoch, k = 2: 3 rounds per epoch, 12 in all
        TrainJob.Result whole = train(segmentationConfig("seg-whole"), false);
        assertEquals(12, whole.state().round());
        assertTrue(hdfs.exists(new Path(whole.checkpoint(), "evaluation-test.json")));
        assertTrue(hdfs.exists(new Path(whole.checkpoint(), "evaluation-test.tsv")));

        TrainJob.Result first = train(segmentationConfig("seg-parts", "train.maxRounds=5"), false);
        assertEquals(5, first.state().round());
        TrainJob.Result rest = train(segmentationConfig("seg-parts"), true);
        assertEquals(12, rest.state().round());
        assertArrayEquals(store("seg-whole").newest().orElseThrow().checkpoint().params(),
                store("seg-parts").newest().orElseThrow().checkpoint().params());

        SegmentationEvaluation e = EvaluateJob.runSegmentation(spark,
                JobPlan.prepare(segmentationConfig("seg-parts"), sc.hadoopConfiguration()), JobConsole.stderr("evaluate"));
        assertEquals(whole.segmentation().confusion(), e.confusion());
        assertTrue(e.scores().meanIou() > e.baseline().meanIou() + 0.3, e.text());

        String out = PredictJob.run(spark, JobPlan.prepare(segmentationConfig("seg-parts"), sc.hadoopConfiguration()));
        assertTrue(out.startsWith("hdfs://"), out);
        long pngs = 0;
        for (var st : hdfs.listStatus(new Path(out, "trainIds"))) {
            String name = st.getPath().getName();
            assertTrue(name.matches("scene_\\d+_leftImg8bit\\.png"), "only complete PNGs under trainIds/: " + name);
            assertTrue(st.getLen() > 0, name);
            pngs++;
        }
        assertEquals(24, pngs);
    }
}
