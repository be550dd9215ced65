package io.sparkcnn.dataprep;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import io.sparkcnn.model.data.Manifest;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.progress.JobConsole;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One incremental, idempotent prep run: list -> compare with what the output already covers ->
 * process new and changed units -> commit rejects, then shards (see {@link ShardTable}) -> manifest.
 */
public final class PrepJob {
    private static final Logger LOG = LoggerFactory.getLogger(PrepJob.class);

    /** Default VACUUM retention: 30 days, Delta's default log retention, so time travel to any version kept still works. */
    public static final long DEFAULT_RETAIN_HOURS = 30 * 24;

    private final SparkSession spark;
    private final DatasetReader reader;
    private final PrepOptions opts;
    private final JobConsole console;
    private long retainHours = DEFAULT_RETAIN_HOURS;

    public PrepJob(SparkSession spark, DatasetReader reader, PrepOptions opts) {
        this(spark, reader, opts, JobConsole.stderr("prep " + opts.kind()));
    }

    /** The same, telling this console its phases and progress. */
    public PrepJob(SparkSession spark, DatasetReader reader, PrepOptions opts, JobConsole console) {
        this.spark = spark;
        this.reader = reader;
        this.opts = opts;
        this.console = console;
    }

    /**
     * How long files of replaced versions stay after a commit (VACUUM): a training run resumed later
     * time-travels to the table version in its checkpoint, which must still have its files.
     */
    public PrepJob retainHours(long hours) {
        if (hours < 0) {
            throw new IllegalArgumentException("retain hours must be >= 0, got " + hours);
        }
        this.retainHours = hours;
        return this;
    }

    public PrepResult run() throws IOException {
        PhaseTimes phases = new PhaseTimes();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetFs fs;
        List<SourceUnit> units;
        Map<Integer, String> classes;
        try {
            console.phase("listing", opts.input());
            fs = new DatasetFs(opts.input(), conf);
            if (!fs.rootExists()) {
                throw new PrepException(PrepException.INPUT, "input " + opts.input() + " does not exist");
            }
            units = reader.list(fs);
            classes = reader.classes(fs);
        } catch (IOException | IllegalArgumentException e) {
            throw new PrepException(PrepException.INPUT, "input " + opts.input() + " is unreadable: " + e.getMessage(), e);
        }
        if (units.isEmpty()) {
            throw new PrepException(PrepException.INPUT, "input " + opts.input() + " holds no " + opts.kind() + " files");
        }
        phases.lap("list");

        console.phase("comparing", units.size() + " source units with what " + opts.output() + " holds");
        ShardTable table = new ShardTable(spark, opts.output());
        TableHousekeeping housekeeping = new TableHousekeeping(spark, conf);
        for (String t : TableHousekeeping.tables(table)) {
            housekeeping.removeAbortedWriteFiles(t);
        }
        housekeeping.removeStaleManifestTemps(table.shardsPath());
        housekeeping.applyRetention(TableHousekeeping.tables(table), retainHours);
        phases.lap("housekeeping");
        ManifestWriter manifests = new ManifestWriter(spark, table, conf);
        Manifest previous = manifests.read();
        checkSameContentConfig(previous);

        var recorded = table.ledgerRecordedIn(previous);
        long lastSeq = recorded.isPresent() ? previous.runSeq() : table.lastRunSeq();
        Map<String, String> ledger = recorded.orElseGet(() -> table.ledger(lastSeq));
        Map<String, SourceUnit> byId = new TreeMap<>();
        units.forEach(u -> byId.put(u.id(), u));
        List<SourceUnit> todo = new ArrayList<>();
        Set<String> replaced = new HashSet<>();
        long added = 0;
        long changed = 0;
        for (SourceUnit u : byId.values()) {
            String had = ledger.get(u.id());
            if (had == null) {
                todo.add(u);
                added++;
            } else if (!had.equals(u.fingerprint())) {
                todo.add(u);
                replaced.add(u.id());
                changed++;
            }
        }
        Set<String> deleted = ledger.keySet().stream().filter(id -> !byId.containsKey(id)).collect(Collectors.toSet());
        replaced.addAll(deleted);
        phases.lap("ledger");

        if (todo.isEmpty() && deleted.isEmpty()) {
            String msg = "nothing to do: all " + units.size() + " source units of " + opts.input()
                    + " are already in " + opts.output() + " (table version " + table.version() + ")";
            if (previous == null || previous.tableVersion() != table.version()) {
                manifests.write(opts, reader.task(), classes, units, previous);
                msg += "; manifest rewritten";
                phases.lap("manifest");
            }
            msg += "; " + PhaseTimes.format(phases.asMap());
            LOG.info(msg);
            console.line("nothing to do");
            return new PrepResult(true, lastSeq, 0, 0, 0, 0, 0, table.version(), msg, 0, phases.asMap());
        }

        long runSeq = lastSeq + 1;
        LOG.info("run {}: {} new, {} changed, {} deleted source units", runSeq, added, changed, deleted.size());
        console.phase("processing", String.format("run %d: %d new, %d changed, %d deleted source units", runSeq, added, changed,
                deleted.size()));
        TaskProgress progress = TaskProgress.start(spark.sparkContext(), console, "processing " + todo.size() + " units");
        long t0 = System.currentTimeMillis();
        Dataset<Row> outcome = process(todo, conf, runSeq).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> good = outcome.where(col(SparkSchemas.R_STAGE).isNull());
            Dataset<Row> bad = outcome.where(col(SparkSchemas.R_STAGE).isNotNull()).select(
                    col(SparkSchemas.R_SOURCE).as(RejectSchema.SOURCE), col(SparkSchemas.R_STAGE).as(RejectSchema.STAGE),
                    col(SparkSchemas.R_REASON).as(RejectSchema.REASON), col(ShardSchema.SOURCE).as(RejectSchema.UNIT),
                    col(ShardSchema.SOURCE_FP).as(RejectSchema.UNIT_FP), col(ShardSchema.RUN_SEQ).as(RejectSchema.RUN_SEQ));

            // one pass over the processed rows: rows and payload bytes per split, the reject count, and the
            // records carried inside rows (COCO objects), so every input record counts once: row, object or reject
            Map<String, Long> bytesPerSplit = new TreeMap<>();
            long rows = 0;
            long rejects = 0;
            long carried = 0;
            boolean objects = reader.task() == io.sparkcnn.model.data.Task.DETECTION;
            for (Row r : outcome.groupBy(col(ShardSchema.SPLIT), col(SparkSchemas.R_STAGE).isNull().as("ok"))
                    .agg(count("*"), sum(length(col(ShardSchema.IMAGE))),
                            objects ? sum(size(col(ShardSchema.OBJ_LABEL))) : lit(0L)).collectAsList()) {
                if (r.getBoolean(1)) {
                    rows += r.getLong(2);
                    bytesPerSplit.put(r.getString(0), r.isNullAt(3) ? 0L : r.getLong(3));
                    carried += r.isNullAt(4) ? 0L : ((Number) r.get(4)).longValue();
                } else {
                    rejects += r.getLong(2);
                }
            }
            long inputs = rows + carried + rejects;
            LOG.info("run {}: processed {} units into {} rows and {} rejects in {} ms", runSeq, todo.size(), rows, rejects,
                    System.currentTimeMillis() - t0);
            phases.lap("process");
            progress.close();
            console.line(String.format("processed %d units into %d rows and %d rejects", todo.size(), rows, rejects));
            console.phase("committing", "shards, then rejects, to " + opts.output());

            double fraction = (double) rejects / Math.max(1, inputs);
            if (fraction > opts.maxRejectFraction()) {
                table.writeFailedRunRejects(bad);
                throw new PrepException(PrepException.TOO_MANY_REJECTS, tooManyRejects(inputs, rejects, fraction, runSeq, bad));
            }
            Dataset<Row> shards = ShardLayout.layout(spark, good, opts.seed(),
                    ShardLayout.shardCounts(bytesPerSplit, opts.targetShardBytes()), SparkSchemas.shards(reader.task()));
            table.commitShards(shards, runSeq, replaced);
            phases.lap("commit shards");
            // committed even when empty: the rejects table's last run is what marks this run's units finished
            // (ShardTable.ledger redoes units whose rejects commit is missing)
            table.commitRejects(bad, runSeq, lastSeq, replaced);
            phases.lap("commit rejects");
            table.dropFailedRunRejects(conf);
            LOG.info("run {}: rejects and shards committed after {} ms", runSeq, System.currentTimeMillis() - t0);
            console.phase("writing manifest", "");
            manifests.write(opts, reader.task(), classes, units, previous);
            phases.lap("manifest");
            LOG.info("run {}: manifest written after {} ms", runSeq, System.currentTimeMillis() - t0);
            // only a run that replaced or deleted units leaves files behind; VACUUM starts Spark jobs of its own,
            // so a run that only added files skips it (older leftovers go at the next replacing run)
            if (changed + deleted.size() > 0) {
                console.phase("vacuuming", "files of versions replaced more than " + retainHours + " h ago");
                int vacuumed = 0;
                for (String t : TableHousekeeping.tables(table)) {
                    vacuumed += housekeeping.vacuum(t, retainHours) ? 1 : 0;
                }
                LOG.info("run {}: VACUUM ran on {} of {} table(s) (the others hold no unreferenced file older than {} h)",
                        runSeq, vacuumed, TableHousekeeping.tables(table).size(), retainHours);
                LOG.info("run {}: files older than {} h of replaced versions vacuumed after {} ms", runSeq, retainHours,
                        System.currentTimeMillis() - t0);
                phases.lap("vacuum");
            }
            String msg = String.format("run %d committed to %s (table version %d): %d new, %d changed, %d deleted source units; "
                            + "%d rows written, %d rejects (see %s); %s", runSeq, opts.output(), table.version(), added, changed,
                    deleted.size(), rows, rejects, ShardTable.REJECTS_DIR, PhaseTimes.format(phases.asMap()));
            LOG.info(msg);
            return new PrepResult(false, runSeq, added, changed, deleted.size(), rows, rejects, table.version(), msg,
                    inputs, phases.asMap());
        } finally {
            progress.close();
            outcome.unpersist();
        }
    }

    private Dataset<Row> process(List<SourceUnit> todo, Configuration conf, long runSeq) {
        List<Row> unitRows = todo.stream().map(UnitRows::toRow).toList();
        // many more tasks than cores (stragglers), at most ~256 units per task; sliced, not shuffled
        int parts = (int) Math.max(1, Math.min(todo.size(), Math.max(spark.sparkContext().defaultParallelism() * 4L, todo.size() / 256)));
        var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(unitRows, parts), SparkSchemas.units())
                .flatMap(new UnitProcessor(reader, opts, new SerializableConf(conf), runSeq),
                        Encoders.row(SparkSchemas.outcome(reader.task())));
    }

    /** Names the setting that stopped the run and the value that would have let it through. */
    private String tooManyRejects(long inputs, long rejects, double fraction, long runSeq, Dataset<Row> bad) {
        double needed = Math.ceil(fraction * 10_000 - 1e-9) / 10_000; // rounded up: at least the fraction seen
        return String.format(java.util.Locale.ROOT,
                "%d of %d inputs rejected (%.2f%%), more than --max-reject-fraction %s allows (maxRejectFraction, default %s = %.0f%%; "
                        + "in a deploy/prep env file it goes in PREP_OPTIONS); no shards committed, %s left as it was "
                        + "(this run's rejects are in %s with run_seq %d). Fix the inputs, or accept these rejects with "
                        + "--max-reject-fraction %s. Reasons: %s",
                rejects, inputs, 100 * fraction, plain(opts.maxRejectFraction()), plain(PrepOptions.DEFAULT_MAX_REJECT_FRACTION),
                100 * PrepOptions.DEFAULT_MAX_REJECT_FRACTION, opts.output(), ShardTable.FAILED_REJECTS_DIR, runSeq, plain(needed),
                topReasons(bad));
    }

    /** 0.0001, not 1.0E-4: what a user types after the flag. */
    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String topReasons(Dataset<Row> bad) {
        return bad.groupBy(RejectSchema.STAGE, RejectSchema.REASON).agg(count("*").as("n"))
                .orderBy(col("n").desc()).limit(5).collectAsList().stream()
                .map(r -> r.getString(0) + ": " + r.getString(1) + " (" + r.getLong(2) + ")")
                .collect(Collectors.joining("; "));
    }

    private void checkSameContentConfig(Manifest previous) {
        if (previous == null || previous.config() == null) {
            return;
        }
        for (var e : opts.contentConfig().entrySet()) {
            String had = previous.config().get(e.getKey());
            if (had != null && !had.equals(e.getValue())) {
                throw new PrepException(PrepException.INPUT, "output " + opts.output() + " was made with " + e.getKey() + "="
                        + had + ", this run asks for " + e.getValue() + "; use a new output or the same options");
            }
        }
    }
}
