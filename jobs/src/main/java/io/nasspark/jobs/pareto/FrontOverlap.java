package io.nasspark.jobs.pareto;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.cli.TablePrinter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How much of one group's first front stays on another's, for groups that differ only in one
 * column (two devices, say): of A's front members that B also has, the share on B's front.
 * Only the fronts' ids travel; the input is semi-joined with them, not collected.
 */
final class FrontOverlap {

    private FrontOverlap() {}

    static String table(SparkSession spark, Dataset<Row> points, Map<String, List<Row>> firstFronts,
            List<String> groupBy, String across) {
        Map<String, Set<String>> front = new HashMap<>();
        List<Row> frontIds = new ArrayList<>();
        firstFronts.forEach((grp, rows) -> rows.forEach(r -> {
            front.computeIfAbsent(grp, g -> new HashSet<>()).add(r.getString(2));
            frontIds.add(RowFactory.create(r.getString(2)));
        }));
        Dataset<Row> ids = spark.createDataFrame(frontIds, new StructType().add("id", DataTypes.StringType)).distinct();
        Map<String, Set<String>> present = new HashMap<>();
        points.select("grp", "id").join(broadcast(ids), "id").distinct().collectAsList()
                .forEach(r -> present.computeIfAbsent(r.getString(1), g -> new HashSet<>()).add(r.getString(0)));
        List<Row> table = new ArrayList<>();
        List<String> groups = new ArrayList<>(front.keySet());
        for (String a : groups) {
            for (String b : groups) {
                if (a.equals(b) || !without(a, across).equals(without(b, across))) {
                    continue;
                }
                Set<String> shared = new HashSet<>(front.get(a));
                shared.retainAll(present.getOrDefault(b, Set.of()));
                Set<String> stays = new HashSet<>(shared);
                stays.retainAll(front.get(b));
                table.add(RowFactory.create(a, b, (long) front.get(a).size(), (long) shared.size(), (long) stays.size(),
                        shared.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * stays.size() / shared.size())));
            }
        }
        return "First fronts across " + across + " (of A's front members that B has, the share on B's front):\n"
                + TablePrinter.table(new String[] {"group A", "group B", "A front", "shared", "on B front", "stays"},
                        table).stripTrailing();
    }

    /** The group name without the {@code col=value} part of {@code column}. */
    private static String without(String grp, String column) {
        List<String> kept = new ArrayList<>();
        for (String part : grp.split(",")) {
            if (!part.startsWith(column + "=")) {
                kept.add(part);
            }
        }
        return String.join(",", kept);
    }
}
