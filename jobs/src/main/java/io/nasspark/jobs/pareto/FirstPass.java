package io.nasspark.jobs.pareto;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Chooses how the first pass of the distributed sort reads the input. A plain Parquet scan (a
 * file given by --input, no --where, at most one group column, string group, id and arch
 * columns and double objectives) is read as column batches by {@link ColumnarFrontsFn}, which
 * costs about what the scan itself costs; anything else (a join of the tables, a filter, CSV,
 * other types) as rows by {@link PartitionFrontsFn}. Both give the same survivors.
 */
final class FirstPass {

    /** The first pass's output rows, and whether they came from column batches. */
    record Survivors(JavaRDD<Row> rows, boolean columnar) {}

    private final List<String> groupBy;
    private final String idColumn;
    private final boolean hasArch;
    private final List<String> objectives;
    private final double[] signs;
    private final int fronts;
    private final int sample;
    private final int buffer;

    FirstPass(List<String> groupBy, String idColumn, boolean hasArch, List<String> objectives, double[] signs,
            int fronts, int sample, int buffer) {
        this.groupBy = List.copyOf(groupBy);
        this.idColumn = idColumn;
        this.hasArch = hasArch;
        this.objectives = List.copyOf(objectives);
        this.signs = signs.clone();
        this.fronts = fronts;
        this.sample = sample;
        this.buffer = buffer;
    }

    Survivors run(Dataset<Row> input) {
        return columnar(input).orElseGet(() -> new Survivors(input.select(projection().toArray(Column[]::new))
                .queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new PartitionFrontsFn(groupBy, objectives.size(), fronts, sample, buffer)), false));
    }

    /** The rows {@link PartitionFrontsFn} reads: group columns as strings, id, arch, minimised objectives (no -0.0). */
    private List<Column> projection() {
        List<Column> out = new ArrayList<>();
        for (String g : groupBy) {
            out.add(col(g).cast("string"));
        }
        out.add(col(idColumn).cast("string").as("id"));
        out.add((hasArch ? col("arch").cast("string") : lit(null).cast("string")).as("arch"));
        for (int i = 0; i < objectives.size(); i++) {
            out.add(col(objectives.get(i)).cast("double").multiply(signs[i]).plus(0.0).as("o" + i));
        }
        return out;
    }

    private Optional<Survivors> columnar(Dataset<Row> input) {
        if (groupBy.size() > 1) {
            return Optional.empty();
        }
        List<String> strings = new ArrayList<>(groupBy);
        strings.add(idColumn);
        if (hasArch) {
            strings.add("arch");
        }
        List<String> names = new ArrayList<>(new LinkedHashSet<>(strings));
        names.addAll(objectives.stream().filter(o -> !names.contains(o)).distinct().toList());
        Dataset<Row> raw = input.select(names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
        StructType schema = raw.schema();
        for (String s : strings) {
            if (!schema.apply(s).dataType().equals(DataTypes.StringType)) {
                return Optional.empty();
            }
        }
        for (String o : objectives) {
            if (!schema.apply(o).dataType().equals(DataTypes.DoubleType)) {
                return Optional.empty();
            }
        }
        SparkPlan plan = raw.queryExecution().executedPlan();
        FileSourceScanExec scan = onlyScan(plan);
        if (scan == null || !scan.supportsColumnar()) {
            return Optional.empty();
        }
        List<Attribute> top = CollectionConverters.asJava(plan.output());
        List<Attribute> scanned = CollectionConverters.asJava(scan.output());
        int[] at = new int[names.size()];
        for (int k = 0; k < names.size(); k++) {
            at[k] = -1;
            for (int j = 0; j < scanned.size(); j++) {
                if (scanned.get(j).exprId().equals(top.get(k).exprId())) {
                    at[k] = j;
                }
            }
            if (at[k] < 0) {
                return Optional.empty();
            }
        }
        int[] objectiveAt = objectives.stream().mapToInt(o -> at[names.indexOf(o)]).toArray();
        ColumnarFrontsFn pass = new ColumnarFrontsFn(groupBy.isEmpty() ? null : groupBy.get(0),
                groupBy.isEmpty() ? -1 : at[names.indexOf(groupBy.get(0))], at[names.indexOf(idColumn)],
                hasArch ? at[names.indexOf("arch")] : -1, objectiveAt, signs, fronts, sample, buffer);
        return Optional.of(new Survivors(scan.executeColumnar().toJavaRDD().mapPartitions(pass), true));
    }

    /** The file scan under a plan that only converts its batches to rows and selects columns, else null. */
    private static FileSourceScanExec onlyScan(SparkPlan plan) {
        if (plan instanceof FileSourceScanExec scan) {
            return scan;
        }
        boolean passThrough = plan instanceof WholeStageCodegenExec || plan instanceof InputAdapter
                || plan instanceof ColumnarToRowExec
                || plan instanceof ProjectExec p && CollectionConverters.asJava(p.projectList()).stream()
                        .allMatch(e -> e instanceof AttributeReference);
        return passThrough && plan.children().size() == 1 ? onlyScan(plan.children().head()) : null;
    }
}
