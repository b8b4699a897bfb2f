package io.nasspark.jobs.imports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.schema.MergeResult;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas import-table}: a benchmark table keyed by architecture strings into
 * {@code architectures}, {@code latency} and {@code accuracy}. Rows that do not parse go to a
 * rejects file with the reason.
 */
@Command(name = "import-table",
        description = "Import a published or third-party benchmark table (CSV or Parquet) keyed by an"
                + " architecture string into architectures, latency and accuracy.",
        mixinStandardHelpOptions = true)
public final class ImportTableJob extends SparkJob {

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "CSV (with a header) or Parquet file.")
    String input;

    @Option(names = "--format", paramLabel = "csv|parquet", description = "File format (default: from the extension).")
    String format;

    @Option(names = "--space", required = true, paramLabel = "SPACE", description = "Space the arch strings belong to.")
    String space;

    @Option(names = "--arch-column", defaultValue = "arch", paramLabel = "COL",
            description = "Column with the architecture string (default: ${DEFAULT-VALUE}).")
    String archColumn;

    @Option(names = "--latency-column", paramLabel = "COL", description = "Column with latency in ms.")
    String latencyColumn;

    @Option(names = "--accuracy-column", paramLabel = "COL", description = "Column with top-1 accuracy in percent.")
    String accuracyColumn;

    @Option(names = "--energy-column", paramLabel = "COL", description = "Column with energy in mJ (goes with latency).")
    String energyColumn;

    @Option(names = "--group-columns", split = ",", paramLabel = "COL",
            description = "Columns whose values name the device (latency) or task (accuracy) group.")
    List<String> groupColumns = new ArrayList<>();

    @Option(names = "--input-size", defaultValue = "0", paramLabel = "PX",
            description = "Input resolution of the benchmark (default: the space's own).")
    int inputSize;

    @Option(names = "--classes", defaultValue = "0", paramLabel = "N",
            description = "Classifier outputs of the benchmark (default: the space's own).")
    int classes;

    @Option(names = "--rejects", paramLabel = "DIR",
            description = "Where rejected rows go, as CSV (default: TABLES/rejects/import-RUNID).")
    String rejects;

    @Override
    protected void validate() {
        SearchSpace s = SearchSpaces.byName(space);
        if (!input.contains("://") && !Files.isReadable(Path.of(input))) {
            throw new IllegalArgumentException("--input " + input + " cannot be read");
        }
        format = format != null ? format.toLowerCase(Locale.ROOT)
                : input.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "parquet" : "csv";
        if (!List.of("csv", "parquet").contains(format)) {
            throw new IllegalArgumentException("--format must be csv or parquet, got " + format);
        }
        if (inputSize < 0 || classes < 0) {
            throw new IllegalArgumentException("--input-size and --classes must be positive");
        }
        inputSize = inputSize == 0 ? s.defaultInputSize() : inputSize;
        classes = classes == 0 ? s.defaultClasses() : classes;
    }

    @Override
    protected Long seed() {
        return null;
    }

    /** What an import did. */
    record Result(long read, long imported, long rejected, long newArchitectures, long latencyRows,
            long accuracyRows, String rejectsPath, Map<String, Long> reasons) {}

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        Dataset<Row> file = format.equals("csv")
                ? spark.read().option("header", true).csv(input) : spark.read().parquet(input);
        requireColumns(file);
        Dataset<Row> parsed = parse(spark, file, runId).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Result r = write(spark, parsed, runId);
            return new Outcome(r.newArchitectures() + r.latencyRows() + r.accuracyRows(), summary(r));
        } finally {
            parsed.unpersist();
        }
    }

    /** @throws IllegalArgumentException naming the missing column and listing the file's columns */
    private void requireColumns(Dataset<Row> file) {
        List<String> have = List.of(file.columns());
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(archColumn, "--arch-column");
        if (latencyColumn != null) {
            wanted.put(latencyColumn, "--latency-column");
        }
        if (accuracyColumn != null) {
            wanted.put(accuracyColumn, "--accuracy-column");
        }
        if (energyColumn != null) {
            wanted.put(energyColumn, "--energy-column");
        }
        groupColumns.forEach(g -> wanted.put(g, "--group-columns"));
        wanted.forEach((column, option) -> {
            if (!have.contains(column)) {
                throw new IllegalArgumentException(option + " " + column + " is not a column of " + input
                        + "; its columns are: " + String.join(", ", have));
            }
        });
    }

    private Dataset<Row> parse(SparkSession spark, Dataset<Row> file, String runId) {
        Column group = groupColumns.isEmpty() ? lit("imported")
                : functions.concat_ws("/", groupColumns.stream()
                        .map(g -> functions.concat(lit(g + "="), col(g).cast("string"))).toArray(Column[]::new));
        Dataset<Row> picked = file.select(
                col(archColumn).cast("string"),
                numberOrNull(latencyColumn), numberOrNull(accuracyColumn), numberOrNull(energyColumn),
                group);
        StructType indexed = new StructType().add("row_index", DataTypes.LongType, false)
                .add("arch", DataTypes.StringType).add("latency", DataTypes.StringType)
                .add("accuracy", DataTypes.StringType).add("energy", DataTypes.StringType)
                .add("grp", DataTypes.StringType);
        // The file's row order gives each row a stable position (sample_index, and the rejects).
        JavaRDD<Row> numbered = picked.javaRDD().zipWithIndex().map(t -> RowFactory.create(t._2(),
                t._1().get(0), t._1().get(1), t._1().get(2), t._1().get(3), t._1().get(4)));
        return spark.createDataFrame(numbered, indexed)
                .mapPartitions(new ImportFn(space, inputSize, classes, runId, Timestamp.from(Instant.now())),
                        Encoders.row(ImportFn.SCHEMA));
    }

    /** The column as text, or a null text column when the option was not given. */
    private static Column numberOrNull(String column) {
        return column == null ? lit(null).cast("string") : col(column).cast("string");
    }

    private Result write(SparkSession spark, Dataset<Row> parsed, String runId) {
        TableStore store = new TableStore(spark);
        Dataset<Row> ok = parsed.where(col("reject_reason").isNull());
        Dataset<Row> bad = parsed.where(col("reject_reason").isNotNull());
        long read = parsed.count();
        long rejected = bad.count();
        String rejectsPath = null;
        if (rejected > 0) {
            rejectsPath = rejects != null ? rejects
                    : Path.of(sparkOptions.tables(), "rejects", "import-" + runId).toString();
            bad.select(col("row_index"), col("arch_given").as("arch"), col("reject_reason").as("reason"))
                    .orderBy("row_index").coalesce(1)
                    .write().option("header", true).mode("errorifexists").csv(rejectsPath);
        }
        String[] architectureColumns = Tables.ARCHITECTURES.columns().toArray(String[]::new);
        MergeResult architectures = store.merge(Tables.ARCHITECTURES,
                spark.createDataFrame(ok.selectExpr(architectureColumns).javaRDD(), Tables.ARCHITECTURES.schema()));
        Timestamp now = Timestamp.from(Instant.now());
        String source = "imported:" + Path.of(input).getFileName();
        long latencyRows = 0;
        if (latencyColumn != null) {
            Dataset<Row> latency = ok.select(col("id"), col("input_size"), col("classes"),
                    col("grp").as("device"), lit("imported").as("protocol"), col("space"),
                    col("latency_ms").as("median_ms"), col("energy_value").as("energy_mj"),
                    lit(source).as("source"), lit(Tables.OK).as("status"), lit(runId).as("run_id"),
                    lit(now).as("measured_at"));
            latencyRows = store.merge(Tables.LATENCY, withAllColumns(spark, latency, Tables.LATENCY)).rowsAdded();
        }
        long accuracyRows = 0;
        if (accuracyColumn != null) {
            Dataset<Row> accuracy = ok.select(col("id"), col("input_size"), col("classes"),
                    col("grp").as("task"), lit("imported").as("recipe"), col("space"),
                    col("top1_value").as("top1"), lit(source).as("source"), lit(Tables.OK).as("status"),
                    lit(runId).as("run_id"), lit(now).as("created_at"));
            accuracyRows = store.merge(Tables.ACCURACY, withAllColumns(spark, accuracy, Tables.ACCURACY)).rowsAdded();
        }
        Map<String, Long> reasons = new LinkedHashMap<>();
        bad.withColumn("kind", functions.regexp_replace(col("reject_reason"), "[:'].*", ""))
                .groupBy("kind").count().orderBy(col("count").desc()).limit(5).collectAsList()
                .forEach(r -> reasons.put(r.getString(0), r.getLong(1)));
        return new Result(read, read - rejected, rejected, architectures.rowsAdded(), latencyRows, accuracyRows,
                rejectsPath, reasons);
    }

    /** {@code rows} with every column of {@code table} (missing ones null), typed as the table's. */
    private static Dataset<Row> withAllColumns(SparkSession spark, Dataset<Row> rows,
            io.nasspark.schema.TableSchema table) {
        List<String> have = List.of(rows.columns());
        Column[] columns = table.columns().stream()
                .map(c -> (have.contains(c) ? col(c) : lit(null)).cast(table.field(c).dataType()).as(c))
                .toArray(Column[]::new);
        return spark.createDataFrame(rows.select(columns).javaRDD(), table.schema());
    }

    private static String summary(Result r) {
        String reasons = r.reasons().entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT,
                "import-table: %,d rows read, %,d imported, %,d rejected%s%n"
                        + "  new rows: %,d architectures, %,d latency, %,d accuracy",
                r.read(), r.imported(), r.rejected(),
                r.rejected() == 0 ? "" : " (" + reasons + ") -> " + r.rejectsPath(),
                r.newArchitectures(), r.latencyRows(), r.accuracyRows());
    }
}
