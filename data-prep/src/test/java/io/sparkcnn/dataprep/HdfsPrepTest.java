package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkcnn.dataprep.readers.ImageFolderReader;
import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.ResizePolicy;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on real HDFS (MiniDFSCluster in this JVM): input and output are hdfs:// URIs. */
class HdfsPrepTest extends SparkTestBase {
    static MiniDFSCluster cluster;
    static FileSystem hdfs;

    @TempDir
    static Path base;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base.toFile(), "dfs").getAbsolutePath());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private static void put(String path, byte[] bytes) throws Exception {
        try (OutputStream out = hdfs.create(new org.apache.hadoop.fs.Path(path))) {
            out.write(bytes);
        }
    }

    @Test
    void imageFolderOnHdfsIncrementally() throws Exception {
        String uri = hdfs.getUri().toString();
        put("/data/flowers/train/daisy/1.jpg", Fixtures.jpeg(40, 30, 1));
        put("/data/flowers/train/rose/1.jpg", Fixtures.jpeg(30, 40, 2));
        put("/data/flowers/val/daisy/2.jpg", Fixtures.jpeg(30, 30, 3));
        put("/data/flowers/val/rose/broken.jpg", Fixtures.truncated(Fixtures.jpeg(90, 90, 4)));
        String in = uri + "/data/flowers";
        String out = uri + "/shards/flowers";
        PrepOptions o = PrepOptions.defaults("image-folder", in, out).withResize(ResizePolicy.shorterSide(16))
                .withMaxRejectFraction(0.5);
        PrepResult r1 = new PrepJob(spark, new ImageFolderReader(), o).run();
        assertEquals(3, r1.rowsWritten());
        assertEquals(1, r1.rejects());

        put("/data/flowers/train/rose/2.jpg", Fixtures.jpeg(50, 20, 5));
        PrepResult r2 = new PrepJob(spark, new ImageFolderReader(), o).run();
        assertEquals(1, r2.unitsNew());
        assertEquals(1, r2.rowsWritten());
        assertTrue(new PrepJob(spark, new ImageFolderReader(), o).run().nothingToDo());

        Manifest m;
        try (InputStream s = hdfs.open(new org.apache.hadoop.fs.Path("/shards/flowers/_manifest.json"))) {
            m = Manifest.read(s);
        }
        assertEquals(3, m.splits().get("train").rows());
        assertEquals(1, m.splits().get("val").rows());
        for (Manifest.Shard s : m.shards()) {
            assertEquals(s.bytes(), hdfs.getFileStatus(new org.apache.hadoop.fs.Path("/shards/flowers/" + s.path())).getLen());
        }
        assertEquals(1, m.rejects().total());
        String fresh = uri + "/shards/fresh";
        new PrepJob(spark, new ImageFolderReader(), o.withOutput(fresh)).run();
        assertEquals(content(fresh, true), content(out, true));
    }
}
