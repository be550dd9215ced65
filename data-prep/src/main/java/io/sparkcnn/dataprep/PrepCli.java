package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.progress.JobConsole;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spark-submit --class io.sparkcnn.dataprep.PrepCli sparkcnn-data-prep.jar KIND INPUT OUTPUT [options]}.
 * Exit 0 on success (also when there was nothing to do), 2 for empty/unreadable input or bad
 * options, 3 when rejects exceed --max-reject-fraction.
 */
@Command(name = "sparkcnn-prep", mixinStandardHelpOptions = true,
        description = "Shard a dataset in its published layout into Parquet (Delta Lake table) with a manifest; incremental.")
public final class PrepCli implements Callable<Integer> {
    @Parameters(index = "0", description = "dataset kind: imagenet, image-folder, mnist, fashion-mnist, cityscapes, coco, kinetics")
    String kind;
    @Parameters(index = "1", description = "input root URI (hdfs://, file://, ...)")
    String input;
    @Parameters(index = "2", description = "output URI (the shard table)")
    String output;
    @Option(names = "--resize", description = "keep | shorter-side:S | center-crop:S[:C] (default keep; kinetics: center-crop:128:112)")
    String resize;
    @Option(names = "--encoding", description = "keep | jpeg[:Q] | png | raw (default keep; kinetics: raw, the only one it takes)")
    String encoding;
    @Option(names = "--frames", defaultValue = "16", description = "kinetics: frames sampled uniformly per clip (default ${DEFAULT-VALUE})")
    int frames;
    @Option(names = "--seed", defaultValue = "42", description = "shuffle seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--shard-mb", defaultValue = "128", description = "target shard size in MB (default ${DEFAULT-VALUE})")
    long shardMb;
    @Option(names = "--max-reject-fraction", defaultValue = "0.01", description = "stop (exit 3, nothing committed) when more than this fraction of the inputs is rejected (default ${DEFAULT-VALUE} = 1%%)")
    double maxRejectFraction;
    @Option(names = "--max-pixels", description = "refuse images whose header declares more pixels (default 2^26)")
    Long maxPixels;
    @Option(names = "--instances", description = "cityscapes: also store instance ids")
    boolean instances;
    @Option(names = "--retain-hours", defaultValue = "720", description = "keep files of replaced table versions this long "
            + "(VACUUM after a commit that replaced or deleted source units), so resumed training runs can time-travel to their "
            + "version (default ${DEFAULT-VALUE} = 30 days)")
    long retainHours;
    @Option(names = "--local", description = "run in local mode with this many cores (without spark-submit)")
    Integer localCores;
    @Option(names = "--log-dir", description = "directory of the run's full log (default: OUTPUT.logs beside the output)")
    String logDir;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        return new CommandLine(new PrepCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        PrepOptions o;
        DatasetReader reader;
        try {
            reader = Readers.forKind(kind);
            PrepOptions d = PrepOptions.defaults(kind, input, output);
            o = d.withResize(resize == null ? d.resize() : ResizePolicy.parse(resize))
                    .withEncoding(encoding == null ? d.encoding() : EncodingPolicy.parse(encoding))
                    .withFrames(frames)
                    .withSeed(seed)
                    .withTargetShardBytes(shardMb << 20)
                    .withMaxRejectFraction(maxRejectFraction)
                    .withLimits(maxPixels == null ? ImageCodec.DEFAULT_MAX_PIXELS : maxPixels, ImageCodec.DEFAULT_MAX_SIDE)
                    .withInstances(instances);
            if (retainHours < 0) {
                throw new IllegalArgumentException("--retain-hours must be >= 0, got " + retainHours);
            }
            if ("kinetics".equals(kind) && o.encoding().kind() != EncodingPolicy.Kind.RAW) {
                throw new IllegalArgumentException("kinetics stores raw uint8 frames (THWC): --encoding must be raw");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("sparkcnn-prep: " + e.getMessage());
            return PrepException.INPUT;
        }
        JobConsole console = JobConsole.stderr("prep " + kind);
        PrepLog log = PrepLog.start(output, logDir, kind, console);
        console.phase("starting Spark", localCores != null ? "local[" + localCores + "]" : "spark-submit's master");
        long sessionStart = System.nanoTime();
        SparkSession spark = localCores != null
                ? SparkSessions.local("sparkcnn-prep " + kind, localCores)
                : SparkSessions.withDelta(SparkSession.builder().appName("sparkcnn-prep " + kind)).getOrCreate();
        try {
            long startupMs = (System.nanoTime() - sessionStart) / 1_000_000;
            PrepResult r = new PrepJob(spark, reader, o, console).retainHours(retainHours).run();
            System.out.println(r.message() + String.format(java.util.Locale.ROOT, "; Spark session start %.1f s", startupMs / 1000.0));
            return 0;
        } catch (PrepException e) {
            System.err.println("sparkcnn-prep: " + e.getMessage());
            return e.exitCode();
        } finally {
            log.finish(spark.sparkContext().hadoopConfiguration());
            if (localCores != null) {
                spark.stop();
            }
        }
    }
}
