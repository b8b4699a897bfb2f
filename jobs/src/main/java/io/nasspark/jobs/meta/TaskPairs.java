package io.nasspark.jobs.meta;

import static org.apache.spark.sql.functions.col;

import io.nasspark.predict.meta.MetaMlpPredictor;
import io.nasspark.predict.meta.Pairs;
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
 * The network-accuracy pairs of named tasks, read from {@code accuracy} joined with
 * {@code architectures}: the candidates' features and their top-1. Rows without a number
 * (NaN or null top-1) are skipped and counted.
 *
 * @param space the one space every pair is of
 * @param tasks one entry per task and recipe, in the order asked
 * @param recipes the recipe of each entry
 * @param skipped rows skipped for a missing accuracy
 */
record TaskPairs(SearchSpace space, List<Pairs> tasks, List<String> recipes, long skipped) {

    /**
     * Reads the pairs of {@code labels}, one {@link Pairs} per task and recipe.
     *
     * @param recipe only this recipe, or null for every recipe of each task
     * @param space the space the pairs must be of, or null for the one they share
     * @throws IllegalArgumentException when a task has no pairs, or the pairs are of another or
     *     of more than one space
     */
    static TaskPairs read(SparkSession spark, List<String> labels, String recipe, String space) {
        TableStore store = new TableStore(spark);
        if (!store.exists(Tables.ACCURACY) || !store.exists(Tables.ARCHITECTURES)) {
            throw new IllegalArgumentException("no accuracy table yet; run generate-pairs or train-accuracy first");
        }
        List<Row> rows = store.read(Tables.ACCURACY)
                .where(col("status").equalTo(Tables.OK).and(col("task").isin(labels.toArray())))
                .where(recipe == null ? col("recipe").isNotNull() : col("recipe").equalTo(recipe))
                .join(store.read(Tables.ARCHITECTURES).select("id", "input_size", "classes", "arch", "space_version"),
                        scala.jdk.javaapi.CollectionConverters.asScala(List.of("id", "input_size", "classes")).toSeq())
                .select("task", "recipe", "space", "space_version", "arch", "top1")
                .orderBy("task", "recipe", "arch")
                .collectAsList();
        TreeSet<String> spaces = new TreeSet<>();
        rows.forEach(r -> spaces.add(r.getString(2)));
        if (space != null && !spaces.isEmpty() && !spaces.equals(new TreeSet<>(List.of(space)))) {
            throw new IllegalArgumentException("tasks " + labels + " hold pairs of space " + String.join(", ", spaces)
                    + ", not of " + space + " that the meta-predictor reads");
        }
        if (spaces.size() > 1) {
            throw new IllegalArgumentException("tasks " + labels + " hold pairs of more than one space ("
                    + String.join(", ", spaces) + "); one predictor reads one space");
        }
        Map<String, List<Row>> byTask = new LinkedHashMap<>();
        for (String label : labels) {
            int before = byTask.size();
            rows.stream().filter(r -> r.getString(0).equals(label))
                    .forEach(r -> byTask.computeIfAbsent(label + "\u0000" + r.getString(1), k -> new ArrayList<>()).add(r));
            if (byTask.size() == before) {
                throw new IllegalArgumentException("task " + label + " has no accuracy rows with status ok"
                        + (recipe == null ? "" : " for recipe " + recipe) + "; tasks with pairs: " + tasksWithPairs(store));
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
                    throw new IllegalArgumentException("task " + r.getString(0) + " holds pairs of " + s.name() + " v"
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

    private static String tasksWithPairs(TableStore store) {
        List<String> tasks = store.read(Tables.ACCURACY).where(col("status").equalTo(Tables.OK))
                .select("task").distinct().orderBy("task").limit(20).collectAsList().stream()
                .map(r -> r.getString(0)).toList();
        return tasks.isEmpty() ? "none" : String.join(", ", tasks);
    }

    /** For a summary line: how many rows were skipped for a missing accuracy, or nothing. */
    static String skippedNote(long skipped) {
        return skipped > 0 ? String.format(java.util.Locale.ROOT, " (%,d rows without an accuracy skipped)", skipped) : "";
    }

    /** Pairs in all tasks. */
    long total() {
        return tasks.stream().mapToLong(Pairs::size).sum();
    }
}
