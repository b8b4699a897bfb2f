package io.nasspark.jobs.pareto;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.pareto.Budget;
import io.nasspark.pareto.FrontAnalysis;
import io.nasspark.pareto.Hypervolume;
import io.nasspark.pareto.StreamingFronts;
import io.nasspark.schema.IcebergCatalog;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.util.Hashing;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas pareto}: non-dominated sorting per group over any number of rows, in two passes
 * that never gather a group's rows in one place (see {@link FrontsFn}), then per group the
 * hypervolume, knee and budget answers of the first front, computed on the driver from the front
 * alone.
 */
@Command(name = "pareto",
        description = "Pareto fronts per group over a file or the project's tables: front ranks and crowding"
                + " distance to pareto, hypervolume, knee and budget answers to pareto_summary.",
        mixinStandardHelpOptions = true)
public final class ParetoJob extends SparkJob {

    static final class Source {
        @Option(names = "--input", paramLabel = "FILE", description = "A CSV (with a header) or Parquet file or directory.")
        String input;

        @Option(names = "--from-tables", description = "architectures joined with latency and accuracy on id, input"
                + " size and classes (columns: id, arch, space, flops, params, device, protocol, latency_ms, task,"
                + " recipe, top1, top5, input_size, classes).")
        boolean fromTables;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(names = "--objectives", required = true, split = ",", paramLabel = "COL:min|max",
            description = "Two or more objective columns with their direction, e.g. latency_ms:min,top1:max.")
    List<String> objectives;

    @Option(names = "--group-by", split = ",", paramLabel = "COL", description = "Columns that make a group.")
    List<String> groupBy = new ArrayList<>();

    @Option(names = "--where", paramLabel = "SQL", description = "Only rows meeting this Spark SQL condition.")
    String where;

    @Option(names = "--id-column", paramLabel = "COL",
            description = "Column naming each row (default: id, else arch).")
    String idColumn;

    @Option(names = "--reference-point", split = ",", paramLabel = "COL=VALUE",
            description = "Hypervolume reference point (default: per group, the front's worst value plus 10%% of"
                    + " its range, recorded).")
    Map<String, Double> referencePoint;

    @Option(names = "--budget", paramLabel = "COL<=X", description = "Best of the other objectives within a"
            + " bound on one, e.g. \"latency_ms<=5\"; repeatable.")
    List<String> budgets = new ArrayList<>();

    @Option(names = "--fronts", defaultValue = "3", paramLabel = "R",
            description = "Fronts kept in pareto: ranks 1..R (default: ${DEFAULT-VALUE}).")
    int fronts;

    @Option(names = "--plot-sample", defaultValue = "2000", paramLabel = "N",
            description = "Points per group kept beside the fronts for plots, as front_rank 0: those with the"
                    + " smallest id hash (default: ${DEFAULT-VALUE}).")
    int plotSample;

    @Option(names = "--buffer-rows", defaultValue = "" + DistributedFronts.BUFFER, paramLabel = "N", hidden = true,
            description = "Rows of a group each partition buffers before cutting them to their first fronts (tests:"
                    + " small values force the cuts and the pass-on of fronts larger than the buffer).")
    int bufferRows;

    @Option(names = "--across", paramLabel = "COL",
            description = "A --group-by column (such as device) to compare groups across: how much of one's first"
                    + " front stays on the other's, over the candidates both have.")
    String across;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the analysis; a re-run replaces it"
            + " (default: from the input and options).")
    String name;

    private List<String> columns;
    private boolean hasArch;
    private double[] signs;
    private List<Budget> parsedBudgets;

    @Override
    protected void validate() {
        if (objectives.size() < 2) {
            throw new IllegalArgumentException("--objectives needs two or more COL:min|max, got " + objectives);
        }
        columns = new ArrayList<>();
        signs = new double[objectives.size()];
        for (int i = 0; i < objectives.size(); i++) {
            String[] parts = objectives.get(i).split(":");
            if (parts.length != 2 || !parts[1].equals("min") && !parts[1].equals("max")) {
                throw new IllegalArgumentException("--objectives: " + objectives.get(i) + " is not COL:min or COL:max");
            }
            columns.add(parts[0]);
            signs[i] = parts[1].equals("min") ? 1 : -1;
        }
        parsedBudgets = budgets.stream().map(b -> Budget.parse(b, columns)).toList();
        if (plotSample < 0) {
            throw new IllegalArgumentException("--plot-sample must not be negative, got " + plotSample);
        }
        if (fronts < 1) {
            throw new IllegalArgumentException("--fronts must be at least 1, got " + fronts);
        }
        if (across != null && !groupBy.contains(across)) {
            throw new IllegalArgumentException("--across " + across + " must be one of the --group-by columns " + groupBy);
        }
        if (referencePoint != null && !referencePoint.keySet().equals(new java.util.HashSet<>(columns))) {
            throw new IllegalArgumentException("--reference-point must give every objective " + columns + ", got "
                    + referencePoint.keySet());
        }
        if (name == null) {
            name = "pareto-" + Hashing.id128(String.valueOf(source.input), Boolean.toString(source.fromTables),
                    objectives.toString(), groupBy.toString(), String.valueOf(where)).substring(0, 10);
        }
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        long start = System.nanoTime();
        Dataset<Row> input = requireColumns(load(spark));
        int dims = columns.size();
        FirstPass.Survivors survivors = new FirstPass(groupBy, idColumn, hasArch, columns, signs, fronts, plotSample,
                bufferRows).run(input);
        GroupOutcomes outcomes = GroupOutcomes.register(spark.sparkContext());
        Dataset<Row> ranked = DistributedFronts.rank(spark, survivors.rows(), dims, fronts, plotSample, outcomes);
        Timestamp now = Timestamp.from(Instant.now());
        TableStore store = new TableStore(spark);
        // One job ranks and writes; what the summaries need (counts, first fronts) comes back beside it.
        long written = store.replaceSlice(Tables.PARETO, ranked.select(paretoColumns(dims, runId, now)), "analysis",
                name).rowsAdded();
        long ranking = System.nanoTime();
        Map<String, List<Row>> firstFronts = new TreeMap<>();
        List<Row> summaries = new ArrayList<>();
        Map<String, GroupOutcomes.Outcome> byGroup = outcomes.value();
        byGroup.forEach((grp, outcome) -> {
            firstFronts.put(grp, outcome.firstFront());
            summaries.add(summary(grp, outcome, dims, runId, now));
        });
        store.replaceSlice(Tables.PARETO_SUMMARY, summaries, "analysis", name);
        String acrossTable = across == null ? "" : "\n" + FrontOverlap.table(spark,
                input.select(groupColumn().as("grp"), col(idColumn).cast("string").as("id")), firstFronts,
                groupBy, across);
        long end = System.nanoTime();
        output("analysis", name);
        return new Outcome(written, String.format(Locale.ROOT,
                "pareto %s: %,d rows in %,d groups, objectives %s; %,d rows (ranks 1..%d, and a sample as 0) to"
                        + " pareto, %,d groups to pareto_summary; %.1f s (ranking and writing pareto %.1f s over %s,"
                        + " summaries %.1f s)%n%s%s",
                name, byGroup.values().stream().mapToLong(GroupOutcomes.Outcome::inputRows).sum(),
                summaries.size(), String.join(",", objectives), written, fronts, summaries.size(),
                (end - start) / 1e9, (ranking - start) / 1e9,
                survivors.columnar() ? "Parquet column batches" : "rows", (end - ranking) / 1e9,
                summaryTable(summaries), acrossTable));
    }

    private Dataset<Row> load(SparkSession spark) {
        Dataset<Row> rows;
        if (source.fromTables) {
            TableStore store = new TableStore(spark);
            for (var t : List.of(Tables.ARCHITECTURES, Tables.LATENCY, Tables.ACCURACY)) {
                store.ensure(t);
            }
            rows = spark.sql("SELECT a.id, a.arch, a.space, a.flops, a.params, l.device, l.protocol,"
                    + " l.median_ms AS latency_ms, c.task, c.recipe, c.top1, c.top5, a.input_size, a.classes FROM "
                    + IcebergCatalog.qualified("architectures") + " a LEFT JOIN (SELECT * FROM "
                    + IcebergCatalog.qualified("latency") + " WHERE status = 'ok') l USING (id, input_size, classes)"
                    + " LEFT JOIN (SELECT * FROM " + IcebergCatalog.qualified("accuracy") + " WHERE status = 'ok') c"
                    + " USING (id, input_size, classes)");
        } else {
            if (!new java.io.File(source.input).exists() && !source.input.contains("://")) {
                throw new IllegalArgumentException("--input " + source.input + " does not exist");
            }
            rows = source.input.endsWith(".csv")
                    ? spark.read().option("header", "true").option("inferSchema", "true").csv(source.input)
                    : spark.read().parquet(source.input);
        }
        return where == null ? rows : rows.where(where);
    }

    private Dataset<Row> requireColumns(Dataset<Row> input) {
        List<String> present = Arrays.asList(input.columns());
        for (String c : columns) {
            StructField f = present.contains(c) ? input.schema().apply(c) : null;
            if (f == null) {
                throw new IllegalArgumentException("objective column " + c + " is not in the input; its columns are "
                        + present);
            }
            if (!(f.dataType() instanceof NumericType)) {
                throw new IllegalArgumentException("objective column " + c + " is " + f.dataType().simpleString()
                        + ", not numeric; the input's columns are " + input.schema().simpleString());
            }
        }
        for (String c : groupBy) {
            if (!present.contains(c)) {
                throw new IllegalArgumentException("--group-by column " + c + " is not in the input; its columns are "
                        + present);
            }
        }
        hasArch = present.contains("arch");
        if (idColumn == null) {
            idColumn = present.contains("id") ? "id" : present.contains("arch") ? "arch" : null;
            if (idColumn == null) {
                throw new IllegalArgumentException("the input has neither an id nor an arch column; name one with"
                        + " --id-column (columns: " + present + ")");
            }
        } else if (!present.contains(idColumn)) {
            throw new IllegalArgumentException("--id-column " + idColumn + " is not in the input; its columns are "
                    + present);
        }
        return input;
    }

    /** pareto's columns from the ranked rows: the objectives back in their own sign, by name. */
    private Column[] paretoColumns(int dims, String runId, Timestamp now) {
        List<Column> values = new ArrayList<>();
        for (String c : new java.util.LinkedHashSet<>(columns)) { // an objective named twice is one entry
            int i = columns.indexOf(c);
            values.add(lit(c));
            values.add(col("o" + i).multiply(signs[i]).plus(0.0));
        }
        return new Column[] {lit(name).as("analysis"), col("grp"), col("id"), col("arch"), col("front_rank"),
                col("crowding_distance"), functions.map(values.toArray(Column[]::new)).as("objective_values"),
                lit(runId).as("run_id"), lit(now).as("created_at")};
    }

    /** The group label of {@link PartitionFrontsFn}, in Spark SQL. */
    private Column groupColumn() {
        if (groupBy.isEmpty()) {
            return lit("all");
        }
        List<Column> parts = new ArrayList<>();
        for (String g : groupBy) {
            parts.add(functions.concat(lit(g + "="), functions.coalesce(col(g).cast("string"), lit("null"))));
        }
        return functions.concat_ws(",", parts.toArray(Column[]::new));
    }

    private double[] values(Row r, int dims) {
        double[] v = new double[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = signs[i] * r.getDouble(4 + i) + 0.0;
        }
        return v;
    }

    private Map<String, Double> named(double[] v) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < v.length; i++) {
            m.put(columns.get(i), v[i]);
        }
        return m;
    }

    private Row summary(String grp, GroupOutcomes.Outcome outcome, int dims, String runId, Timestamp now) {
        List<Row> front = outcome.firstFront();
        Map<String, Object> s = mapOf("analysis", name, "grp", grp, "objectives", String.join(",", objectives),
                "input_rows", outcome.inputRows(), "excluded_rows", outcome.excluded(), "front_size", front.size(),
                "fronts_kept", fronts, "run_id", runId, "created_at", now);
        if (front.isEmpty()) {
            s.put("status", "empty");
            return Tables.PARETO_SUMMARY.row(s);
        }
        front = front.stream().sorted((a, b) -> StreamingFronts.compare(minimised(a, dims), minimised(b, dims)))
                .toList(); // lexicographic, as ranked: the knee's ties break the same way every run
        List<double[]> minimised = front.stream().map(r -> minimised(r, dims)).toList();
        double[] ref = referencePoint == null ? FrontAnalysis.derivedReference(minimised)
                : columns.stream().mapToDouble(c -> referencePoint.get(c)).toArray();
        double[] refMin = new double[dims];
        for (int i = 0; i < dims; i++) {
            refMin[i] = referencePoint == null ? ref[i] : signs[i] * ref[i];
        }
        int knee = FrontAnalysis.knee(minimised);
        List<String> answers = new ArrayList<>();
        List<String> answerIds = new ArrayList<>();
        for (Budget b : parsedBudgets) {
            for (int j = 0; j < dims; j++) {
                if (j == b.objective()) {
                    continue;
                }
                Row best = null;
                for (Row r : front) {
                    if (b.admits(values(r, dims)) && (best == null || r.getDouble(4 + j) < best.getDouble(4 + j))) {
                        best = r;
                    }
                }
                answers.add(best == null ? b.text() + ": no front member within it" : String.format(Locale.ROOT,
                        "%s: best %s %s", b.text(), columns.get(j), format(values(best, dims)[j])));
                answerIds.add(best == null ? null : best.getString(2));
            }
        }
        double[] refValues = new double[dims];
        for (int i = 0; i < dims; i++) {
            refValues[i] = signs[i] * refMin[i] + 0.0;
        }
        s.put("hypervolume", Hypervolume.of(minimised, refMin));
        s.put("reference_point", named(refValues));
        s.put("reference_derived", referencePoint == null);
        s.put("knee_id", front.get(knee).getString(2));
        s.put("knee", named(values(front.get(knee), dims)));
        s.put("budgets", answers);
        s.put("budget_ids", answerIds);
        s.put("status", "ok");
        return Tables.PARETO_SUMMARY.row(s);
    }

    /** A ranked row's objectives, all minimised. */
    private static double[] minimised(Row r, int dims) {
        double[] p = new double[dims];
        for (int i = 0; i < dims; i++) {
            p[i] = r.getDouble(4 + i);
        }
        return p;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static Map<String, Object> mapOf(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private String summaryTable(List<Row> summaries) {
        List<String> cols = Tables.PARETO_SUMMARY.columns();
        List<Row> rows = summaries.stream().map(s -> {
            Object hv = s.get(cols.indexOf("hypervolume"));
            return RowFactory.create(s.get(cols.indexOf("grp")), s.get(cols.indexOf("input_rows")),
                    s.get(cols.indexOf("excluded_rows")), s.get(cols.indexOf("front_size")),
                    hv == null ? null : format((Double) hv), s.get(cols.indexOf("status")));
        }).toList();
        return TablePrinter.table(new String[] {"group", "rows", "excluded", "front", "hypervolume", "status"},
                rows.size() > 50 ? rows.subList(0, 50) : rows);
    }
}
