package io.sparkcnn.dataprep;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/** SHA-256 of shard files, computed on executors (shards are large; the driver only gets digests). */
final class Checksums {
    private Checksums() {
    }

    static Map<String, String> sha256(JavaSparkContext sc, String root, List<String> relPaths, SerializableConf conf) {
        if (relPaths.isEmpty()) {
            return Map.of();
        }
        return sc.parallelize(relPaths, Math.min(relPaths.size(), Math.max(1, sc.defaultParallelism() * 2)))
                .map(rel -> {
                    Path p = new Path(root + "/" + rel);
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    try (InputStream in = p.getFileSystem(conf.get()).open(p)) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            md.update(buf, 0, n);
                        }
                    }
                    return new Tuple2<>(rel, HexFormat.of().formatHex(md.digest()));
                })
                .collect().stream().collect(Collectors.toMap(Tuple2::_1, Tuple2::_2));
    }
}
