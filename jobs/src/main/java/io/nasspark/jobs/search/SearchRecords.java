package io.nasspark.jobs.search;

import static org.apache.spark.sql.functions.col;

import io.nasspark.schema.ArchitectureRow;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.search.Individual;
import io.nasspark.search.Proposal;
import io.nasspark.search.SearchState;
import io.nasspark.space.SearchSpace;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A search's rows in {@code searches} and {@code search_generations}, and its state read back from them. */
final class SearchRecords {

    private SearchRecords() {}

    /** The stored definition of a search, or null when there is none. */
    static Map<String, String> definition(TableStore store, String searchId) {
        if (!store.exists(Tables.SEARCHES)) {
            return null;
        }
        List<Row> found = store.read(Tables.SEARCHES).where(col("search_id").equalTo(searchId))
                .select("definition").collectAsList();
        if (found.isEmpty()) {
            return null;
        }
        Row r = found.get(0);
        Map<String, String> d = new TreeMap<>();
        for (String pair : r.getString(0).split("\n")) {
            int eq = pair.indexOf('=');
            d.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return d;
    }

    static void start(SparkSession spark, TableStore store, String searchId, String space, String strategy,
            String fitness, Map<String, String> definition, long seed, String runId) {
        StringBuilder text = new StringBuilder();
        definition.forEach((k, v) -> text.append(text.length() == 0 ? "" : "\n").append(k).append('=').append(v));
        Map<String, Object> row = new HashMap<>();
        row.put("search_id", searchId);
        row.put("space", space);
        row.put("strategy", strategy);
        row.put("fitness", fitness);
        row.put("definition", text.toString());
        row.put("seed", seed);
        row.put("run_id", runId);
        row.put("created_at", Timestamp.from(Instant.now()));
        store.merge(Tables.SEARCHES, spark.createDataFrame(List.of(Tables.SEARCHES.row(row)),
                Tables.SEARCHES.schema()));
    }

    /** The state after the last stored generation of the search, or the start. */
    static SearchState restore(TableStore store, SearchSpace space, String searchId, boolean twoObjectives) {
        if (!store.exists(Tables.SEARCH_GENERATIONS)) {
            return SearchState.start();
        }
        Row last = store.read(Tables.SEARCH_GENERATIONS).where(col("search_id").equalTo(searchId))
                .agg(org.apache.spark.sql.functions.max("generation")).first();
        if (last.isNullAt(0)) {
            return SearchState.start();
        }
        int generation = last.getInt(0);
        List<Individual> population = new ArrayList<>();
        for (Row r : store.read(Tables.SEARCH_GENERATIONS)
                .where(col("search_id").equalTo(searchId).and(col("generation").equalTo(generation))
                        .and(col("in_population")))
                .orderBy("population_rank").collectAsList()) {
            double f = r.getAs("fitness");
            double[] objectives = twoObjectives ? new double[] {f, -r.<Double>getAs("objective2")} : new double[] {f};
            String parents = r.getAs("parents");
            population.add(new Individual(space.parse(r.getAs("arch")), r.getAs("id"), objectives, r.getAs("origin"),
                    parents.isEmpty() ? List.of() : Arrays.asList(parents.split(",")), r.<Integer>getAs("born")));
        }
        return new SearchState(generation, population);
    }

    /**
     * Writes generation {@code state.generation()} in one commit: the candidates it evaluated
     * and the population after it.
     *
     * @return rows written
     */
    static long write(SparkSession spark, TableStore store, SearchSpace space, String searchId, SearchState state,
            List<Proposal> proposals, Map<String, Double> fitness, Map<String, ArchitectureRow> rows,
            Map<String, Double> latency, String runId) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        Timestamp now = Timestamp.from(Instant.now());
        for (Proposal p : proposals) {
            Map<String, Object> row = base(searchId, state.generation(), p.id(), runId, now);
            ArchitectureRow a = rows.get(p.id());
            row.put("arch", a.arch());
            row.put("fitness", fitness.get(p.id()));
            row.put("flops", a.flops());
            row.put("params", a.params());
            row.put("latency_ms", latency.get(p.id()));
            row.put("origin", p.origin());
            row.put("parents", String.join(",", p.parents()));
            row.put("born", state.generation());
            row.put("evaluated", true);
            row.put("in_population", false);
            out.put(p.id(), row);
        }
        List<Individual> members = state.population();
        for (int rank = 0; rank < members.size(); rank++) {
            Individual i = members.get(rank);
            Map<String, Object> row = out.computeIfAbsent(i.id(), id -> {
                Map<String, Object> r = base(searchId, state.generation(), id, runId, now);
                r.put("arch", null);
                r.put("evaluated", false);
                return r;
            });
            if (row.get("arch") == null) {
                row.put("arch", space.format(i.candidate()));
                row.put("fitness", i.fitness());
                row.put("latency_ms", latency.get(i.id()));
                row.put("origin", i.origin());
                row.put("parents", String.join(",", i.parents()));
                row.put("born", i.born());
            }
            if (i.objectives().length > 1) {
                row.put("objective2", -i.objectives()[1]);
            }
            row.put("in_population", true);
            row.put("population_rank", rank);
        }
        List<Row> table = out.values().stream().map(Tables.SEARCH_GENERATIONS::row).toList();
        store.merge(Tables.SEARCH_GENERATIONS, spark.createDataFrame(table, Tables.SEARCH_GENERATIONS.schema()));
        return table.size();
    }

    private static Map<String, Object> base(String searchId, int generation, String id, String runId,
            Timestamp now) {
        Map<String, Object> row = new HashMap<>();
        row.put("search_id", searchId);
        row.put("generation", generation);
        row.put("id", id);
        row.put("run_id", runId);
        row.put("created_at", now);
        return row;
    }
}
