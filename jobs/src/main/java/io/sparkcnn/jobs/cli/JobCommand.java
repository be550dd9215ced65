package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.JobPlan;
import io.sparkcnn.jobs.config.JobConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import io.sparkcnn.model.progress.JobConsole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.Tuple2;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What train, evaluate and predict share: --config and --set, checking every setting and the
 * data before a Spark session exists, then one session for the job.
 */
abstract class JobCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Job config (HOCON), e.g. conf/fashion-mnist-lenet.conf.")
    File config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override one setting; repeatable, later ones win.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--help", usageHelp = true, description = "Show this help, with every setting, its default and description.")
    boolean help;

    /**
     * A round's result (one model vector per worker) above Spark's default 1 MiB goes through the
     * block manager: the task stores it, the driver fetches it in a second round trip and removes it,
     * 18-22 ms a round for the README job's 1.4 MB vectors (event log, loaded machine). Up to the RPC message limit (128 MiB,
     * Spark caps the setting there) it now travels with the task's status update. A value set with
     * spark-submit --conf wins.
     */
    static final String DIRECT_RESULT_SETTING = "spark.task.maxDirectResultSize", DIRECT_RESULT_SIZE = "128m";

    @Override
    public Integer call() {
        String command = getClass().getAnnotation(Command.class).name();
        JobConsole console = JobConsole.stderr(command);
        JobConfig cfg = JobConfig.load(config, overrides);
        console.phase("planning", "checking the settings, the data at " + cfg.string("data.path") + " and run.dir "
                + cfg.string("run.dir"));
        SparkConf sparkConf = new SparkConf();
        Configuration hadoop = hadoopConf(sparkConf);
        JobPlan plan = plan(cfg, hadoop);
        try (RunLog log = RunLog.start(cfg.string("run.dir"), command, hadoop, console)) {
            SparkSession.Builder builder = SparkSession.builder().appName(cfg.string("run.name"));
            sessionDefaults(sparkConf).forEach(builder::config);
            if (!sparkConf.contains("spark.master")) {
                // run straight from java (not spark-submit): local mode with a thread per worker
                builder.master("local[" + cfg.integer("train.workers") + "]").config("spark.ui.showConsoleProgress", "false");
            }
            console.phase("starting Spark", sparkConf.get("spark.master", "local[" + cfg.integer("train.workers") + "]"));
            SparkSession spark = builder.getOrCreate();
            try {
                return run(spark, plan, console);
            } finally {
                spark.stop();
            }
        }
    }

    abstract int run(SparkSession spark, JobPlan plan, JobConsole console);

    /** The Spark settings the jobs start their session with, where spark-submit did not set them. */
    static java.util.Map<String, String> sessionDefaults(SparkConf given) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        if (!given.contains(DIRECT_RESULT_SETTING)) m.put(DIRECT_RESULT_SETTING, DIRECT_RESULT_SIZE);
        return m;
    }

    /** Checks the settings and the data; nothing is written before it returns but the run directory. */
    JobPlan plan(JobConfig cfg, Configuration hadoop) { return JobPlan.prepare(cfg, hadoop); }

    /** spark.hadoop.* settings apply to the checks made before the session exists, as they will after. */
    static Configuration hadoopConf(SparkConf conf) {
        Configuration c = new Configuration();
        for (Tuple2<String, String> kv : conf.getAll()) {
            if (kv._1().startsWith("spark.hadoop.")) c.set(kv._1().substring("spark.hadoop.".length()), kv._2());
        }
        return c;
    }
}
