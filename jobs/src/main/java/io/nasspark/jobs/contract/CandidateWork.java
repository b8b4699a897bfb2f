package io.nasspark.jobs.contract;

import io.nasspark.jobs.cli.Progress;
import io.nasspark.schema.MergeResult;
import io.nasspark.schema.TableSchema;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Runs an evaluator over the candidates whose output key is not stored yet, one candidate per
 * Spark task (or {@link #candidatesPerTask} of them), committing every {@code --commit-every}
 * candidates with one keyed merge.
 *
 * <p>The pending candidates are collected on the driver to cut them into batches: they are
 * light rows (ids and strings), and evaluation costs seconds per candidate, so even a million
 * of them is a small driver load beside the work.
 */
public final class CandidateWork {

    private final SparkSession spark;
    private final TableSchema output;
    private final WorkOptions options;
    private final List<Derived> derived = new ArrayList<>();
    private int perCore = 32;
    private int perTask = 1;

    /** A table whose rows are made from each batch's result rows. */
    private record Derived(TableSchema table, Function<Dataset<Row>, Dataset<Row>> rows) {}

    public CandidateWork(SparkSession spark, TableSchema output, WorkOptions options) {
        if (!output.columns().contains("status")) {
            throw new IllegalArgumentException("table " + output.name() + " has no status column");
        }
        this.spark = spark;
        this.output = output;
        this.options = options;
    }

    /**
     * Also writes {@code table}, with rows made by {@code rows} from each batch's result rows
     * (the output's columns and the evaluator's extra columns). Each batch commits these tables
     * first and the output table last, so a candidate counts as done only once everything it
     * produced is stored; a batch cut off in between is evaluated again and its derived rows
     * replaced by the same values.
     */
    public CandidateWork alsoWriting(TableSchema table, Function<Dataset<Row>, Dataset<Row>> rows) {
        derived.add(new Derived(table, rows));
        return this;
    }

    /**
     * Candidates per core in a batch when {@code --commit-every} is not given. Each batch pays a
     * Spark job and one commit per table, and a kill loses the batch in flight: the default 32
     * suits evaluations of a second or so; jobs that train for minutes want 1 or 2.
     */
    public CandidateWork batchPerCore(int candidates) {
        if (candidates < 1) {
            throw new IllegalArgumentException("batches need at least one candidate per core");
        }
        perCore = candidates;
        return this;
    }

    /**
     * Candidates each Spark task gets (default 1); a {@link GroupEvaluator} sees them at once.
     * Batches then hold at least this many candidates per core.
     */
    public CandidateWork candidatesPerTask(int candidates) {
        if (candidates < 1) {
            throw new IllegalArgumentException("tasks need at least one candidate");
        }
        perTask = candidates;
        return this;
    }

    /**
     * What a run did.
     *
     * @param candidates candidates asked for
     * @param skipped of those, already stored (and not retried)
     * @param evaluated evaluated in this run
     * @param failed of those, stored with status failed
     * @param commits keyed merges committed
     * @param seconds wall time
     */
    public record Result(long candidates, long skipped, long evaluated, long failed, int commits,
            double seconds) {
        /** One line for people. */
        public String summary(String job, String table) {
            return String.format(Locale.ROOT,
                    "%s: %,d candidates, %,d already in %s, %,d evaluated (%,d ok, %,d failed) in %d"
                            + " commit%s; %.1f s",
                    job, candidates, skipped, table, evaluated, evaluated - failed, failed, commits,
                    commits == 1 ? "" : "s", seconds);
        }
    }

    /**
     * Evaluates the pending candidates and writes their rows.
     *
     * @param candidates input rows; they must carry the output's key columns
     * @param label names the work in progress lines
     * @param err where progress lines go
     */
    public Result run(Dataset<Row> candidates, CandidateEvaluator evaluator, String label, PrintWriter err) {
        long start = System.nanoTime();
        requireKeyColumns(candidates);
        Seq<String> key = CollectionConverters.asScala(output.key()).toSeq();
        Column[] keyColumns = output.key().stream().map(functions::col).toArray(Column[]::new);
        TableStore store = new TableStore(spark);
        Dataset<Row> pending = candidates.dropDuplicates(output.key().toArray(String[]::new))
                .join(store.doneKeys(output, options.retryFailed()), key, "left_anti")
                .orderBy(keyColumns);
        long total = candidates.select(keyColumns).distinct().count();
        if (total == 0) {
            throw new IllegalArgumentException(label + ": no stored candidates match the selection;"
                    + " check --space, --ids and --input-size, or run sample first");
        }
        List<Row> todo = pending.collectAsList();
        Column[] outputColumns = output.columns().stream().map(functions::col).toArray(Column[]::new);
        LongAccumulator done = spark.sparkContext().longAccumulator(label);
        PerCandidate perCandidate = new PerCandidate(evaluator, done);
        int batchSize = batchSize();
        long failed = 0;
        int commits = 0;
        TableStore.MergeMode mode = options.retryFailed()
                ? TableStore.MergeMode.REPLACE_FAILED : TableStore.MergeMode.INSERT_NEW;
        try (Progress progress = Progress.start(label, todo.size(), "candidates", done::value, err)) {
            for (int from = 0; from < todo.size(); from += batchSize) {
                List<Row> batch = todo.subList(from, Math.min(todo.size(), from + batchSize));
                Dataset<Row> rows = evaluate(batch, pending, perCandidate, evaluator);
                try {
                    failed += rows.where(functions.col("status").equalTo(Tables.FAILED)).count();
                    for (Derived d : derived) {
                        MergeResult m = store.merge(d.table(), d.rows().apply(rows), TableStore.MergeMode.REPLACE);
                        commits += m.snapshotId() >= 0 ? 1 : 0;
                    }
                    MergeResult merged = store.merge(output, rows.select(outputColumns), mode);
                    commits += merged.snapshotId() >= 0 ? 1 : 0;
                } finally {
                    rows.unpersist();
                }
            }
        }
        return new Result(total, total - todo.size(), todo.size(), failed, commits,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * The batch's output rows, {@link #candidatesPerTask} candidates per task, kept so that
     * counting them and merging them does not evaluate twice.
     */
    private Dataset<Row> evaluate(List<Row> batch, Dataset<Row> pending, PerCandidate perCandidate,
            CandidateEvaluator evaluator) {
        JavaRDD<Row> tasks = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(batch, (batch.size() + perTask - 1) / perTask);
        StructType result = output.schema();
        for (StructField extra : evaluator.extraColumns()) {
            result = result.add(extra);
        }
        return spark.createDataFrame(tasks, pending.schema())
                .mapPartitions(perCandidate, Encoders.row(result))
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    private int batchSize() {
        if (options.commitEvery() > 0) {
            return options.commitEvery();
        }
        return Math.max(perCore, perTask) * Math.max(1, spark.sparkContext().defaultParallelism());
    }

    private void requireKeyColumns(Dataset<Row> candidates) {
        List<String> columns = List.of(candidates.columns());
        for (String k : output.key()) {
            if (!columns.contains(k)) {
                throw new IllegalStateException("candidates lack key column " + k + " of " + output.name());
            }
        }
    }
}
