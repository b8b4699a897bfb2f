package io.nasspark.jobs.meta;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.predict.TargetRows;
import io.nasspark.predict.meta.MetaMlpPredictor;
import io.nasspark.predict.meta.Pairs;
import io.nasspark.schema.TableSchema;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The network-value pairs a meta-predictor learns from: per task, the network-accuracy pairs
 * ({@code accuracy}: candidates and their top-1); per device, the network-latency pairs
 * ({@code latency}: candidates and their median ms). Read joined with {@code architectures}.
 * Rows without a number (NaN or null) are skipped and counted.
 *
 * @param space the one space every pair is of
 * @param tasks one entry per task (device) and recipe (protocol), in the order asked
 * @param recipes the recipe (protocol) of each entry
 * @param skipped rows skipped for a missing value
 */
record TaskPairs(SearchSpace space, List<Pairs> tasks, List<String> recipes, long skipped) {

    /** What a meta-predictor predicts: where its pairs are, and what the jobs call a group. */
    enum Target {
        ACCURACY(TargetRows.ACCURACY, "task", "recipe", "an accuracy", "generate-pairs or train-accuracy", false),
        LATENCY(TargetRows.LATENCY, "device", "protocol", "a latency", "measure-latency or import-table", true);

        /** The rows a predictor of this target learns from, which the meta-predictor's pairs are too. */
        final TargetRows rows;
        final String group;
        final String variant;
        final String noun;
        final String makers;
        /** Standardise the log: latency predictions stay positive, and devices differ by factors. */
        final boolean logScale;

        Target(TargetRows rows, String group, String variant, String noun, String makers, boolean logScale) {
            this.rows = rows;
            this.group = group;
            this.variant = variant;
            this.noun = noun;
            this.makers = makers;
            this.logScale = logScale;
        }

        /** The table its pairs are stored in. */
        TableSchema table() {
            return rows.table();
        }

        /** The column of the value learned by default (a latency's median). */
        String value() {
            return rows.column("median");
        }

        static Target of(String name) {
            for (Target t : values()) {
                if (t.label().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("--target must be accuracy or latency, got " + name);
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Reads the pairs of {@code labels} (tasks or devices), one {@link Pairs} per label and
     * recipe (protocol).
     *
     * @param recipe only this recipe (protocol), or null for every one of each label
     * @param value the column of the value: the target's own ({@link Target#value}), or another
     *     statistic of it (a latency's {@code p10_ms})
     * @param space the space the pairs must be of, or null for the one they share
     * @throws IllegalArgumentException when a label has no pairs, or the pairs are of another or
     *     of more than one space
     */
    static TaskPairs read(SparkSession spark, Target target, List<String> labels, String recipe, String value,
            String space) {
        TableStore store = new TableStore(spark);
        if (!store.exists(target.table()) || !store.exists(Tables.ARCHITECTURES)) {
            throw new IllegalArgumentException("no " + target.table().name() + " table yet; run " + target.makers
                    + " first");
        }
        List<Row> rows = target.rows.read(spark, value)
                .where(col(target.group).isin(labels.toArray()))
                .where(recipe == null ? col(target.variant).isNotNull() : col(target.variant).equalTo(recipe))
                .select(col(target.group), col(target.variant), col("space"), col("space_version"), col("arch"),
                        col("value"))
                .orderBy(target.group, target.variant, "arch")
                .collectAsList();
        TreeSet<String> spaces = new TreeSet<>();
        rows.forEach(r -> spaces.add(r.getString(2)));
        if (space != null && !spaces.isEmpty() && !spaces.equals(new TreeSet<>(List.of(space)))) {
            throw new IllegalArgumentException(target.group + "s " + labels + " hold pairs of space " + String.join(", ", spaces)
                    + ", not of " + space + " that the meta-predictor reads");
        }
        if (spaces.size() > 1) {
            throw new IllegalArgumentException(target.group + "s " + labels + " hold pairs of more than one space ("
                    + String.join(", ", spaces) + "); one predictor reads one space");
        }
        Map<String, List<Row>> byTask = new LinkedHashMap<>();
        for (String label : labels) {
            int before = byTask.size();
            rows.stream().filter(r -> r.getString(0).equals(label))
                    .forEach(r -> byTask.computeIfAbsent(label + "\u0000" + r.getString(1), k -> new ArrayList<>()).add(r));
            if (byTask.size() == before) {
                throw new IllegalArgumentException(target.group + " " + label + " has no " + target.table().name()
                        + " rows with status ok" + (recipe == null ? "" : " for " + target.variant + " " + recipe)
                        + "; " + target.group + "s with pairs: " + withPairs(store, target));
            }
        }
        SearchSpace s = SearchSpaces.byName(spaces.first());
        long skipped = 0;
        List<Pairs> tasks = new ArrayList<>();
        List<String> recipes = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byTask.entrySet()) {
            List<double[]> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Row r : e.getValue()) {
                if (r.getInt(3) != s.version()) {
                    throw new IllegalArgumentException(target.group + " " + r.getString(0) + " holds pairs of " + s.name() + " v"
                            + r.getInt(3) + " but this build has v" + s.version());
                }
                if (r.isNullAt(5) || Double.isNaN(r.getDouble(5))) {
                    skipped++;
                    continue;
                }
                x.add(MetaMlpPredictor.features(s, s.parse(r.getString(4))));
                y.add(r.getDouble(5));
            }
            String[] key = e.getKey().split("\u0000", 2);
            recipes.add(key[1]);
            tasks.add(new Pairs(key[0], x.toArray(double[][]::new), y.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return new TaskPairs(s, tasks, recipes, skipped);
    }

    private static String withPairs(TableStore store, Target target) {
        List<String> tasks = store.read(target.table()).where(col("status").equalTo(Tables.OK))
                .select(target.group).distinct().orderBy(target.group).limit(30).collectAsList().stream()
                .map(r -> r.getString(0)).toList();
        return tasks.isEmpty() ? "none" : String.join(", ", tasks);
    }

    /** For a summary line: how many rows were skipped for a missing value, or nothing. */
    static String skippedNote(long skipped, Target target) {
        return skipped > 0 ? String.format(java.util.Locale.ROOT, " (%,d rows without %s skipped)", skipped, target.noun)
                : "";
    }

    /** Pairs in all tasks. */
    long total() {
        return tasks.stream().mapToLong(Pairs::size).sum();
    }
}
