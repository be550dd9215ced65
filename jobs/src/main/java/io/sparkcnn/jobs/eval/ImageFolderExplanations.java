package io.sparkcnn.jobs.eval;

import io.sparkcnn.jobs.train.TaskResources;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RejectedException;
import io.sparkcnn.model.graph.Network;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Explanations of the image files of a folder (any Hadoop file system) instead of a split: the
 * files listed on the driver, sorted, spread over the partitions in contiguous ranges; each task
 * reads, decodes and transforms its files a batch at a time as evaluation does (the key of an
 * image is its path under the folder).
 */
public final class ImageFolderExplanations {
    /** What counts as an image file (decoding is by content; this only skips other files). */
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolderExplanations() {}

    /** The folder's image files (recursively), sorted by path; at most limit of them when limit > 0. */
    public static List<String> list(String folder, Configuration hadoop, int limit) throws IOException {
        Path root = new Path(folder);
        FileSystem fs = root.getFileSystem(hadoop);
        List<String> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            String name = f.getPath().getName().toLowerCase(Locale.ROOT);
            if (f.isFile() && !name.startsWith(".") && !name.startsWith("_") && EXTENSIONS.stream().anyMatch(name::endsWith)) {
                files.add(f.getPath().toString());
            }
        }
        files.sort(null);
        return limit > 0 && files.size() > limit ? List.copyOf(files.subList(0, limit)) : files;
    }

    /** Explains the files in partitions tasks; entries in file order. */
    public static List<Explanations.Entry> run(JavaSparkContext sc, String folder, List<String> files, int partitions,
                                               ScoringModel model, Explanations.Settings settings, String out) {
        int parts = Math.max(1, Math.min(partitions, files.size()));
        SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
        String prefix = new Path(folder).toString() + "/";
        Broadcast<ScoringModel> bc = sc.broadcast(model);
        try {
            List<List<Explanations.Entry>> written = sc.parallelize(files, parts).mapPartitions(it -> {
                List<String> mine = new ArrayList<>();
                it.forEachRemaining(mine::add);
                if (mine.isEmpty()) return List.<List<Explanations.Entry>>of().iterator();
                Network net = bc.value().build(TaskResources.cpus(), TaskResources.gpuIndex());
                try {
                    Path root = new Path(out);
                    Explanations ex = new Explanations(net, settings, root.getFileSystem(conf.value()), root);
                    explain(mine, prefix, net, settings, conf.value(), ex);
                    return List.<List<Explanations.Entry>>of(new ArrayList<>(ex.entries())).iterator();
                } finally {
                    net.close();
                }
            }).collect();
            return written.stream().flatMap(List::stream).toList();
        } finally {
            bc.destroy();
        }
    }

    private static void explain(List<String> files, String prefix, Network net, Explanations.Settings settings,
                                Configuration conf, Explanations ex) throws IOException {
        ImageCodec codec = new ImageCodec();
        int batch = net.batch(), size = net.inputSize();
        float[] inputs = new float[batch * size];
        String[] keys = new String[batch];
        int[] labels = new int[batch];
        java.util.Arrays.fill(labels, -1);
        for (int start = 0; start < files.size(); start += batch) {
            int n = Math.min(batch, files.size() - start);
            for (int i = 0; i < n; i++) {
                String file = files.get(start + i);
                Path path = new Path(file);
                byte[] bytes;
                try (InputStream in = path.getFileSystem(conf).open(path)) {
                    bytes = in.readAllBytes();
                }
                try {
                    settings.transform().eval(codec.decode(bytes).image(), inputs, i * size);
                } catch (RejectedException e) {
                    throw new IllegalArgumentException("image " + file + " does not decode: " + e.getMessage(), e);
                }
                keys[i] = file.startsWith(prefix) ? file.substring(prefix.length()) : path.getName();
            }
            ex.write(inputs, n, keys, labels);
        }
    }
}
