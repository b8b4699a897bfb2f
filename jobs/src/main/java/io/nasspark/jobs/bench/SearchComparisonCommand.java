package io.nasspark.jobs.bench;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.NasCli;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.util.Hashing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nas bench-search}: the same {@code evolve} arguments run once per strategy and seed in
 * one session, then the best fitness found so far per generation, mean and spread over seeds,
 * strategy beside strategy. Every run is an ordinary search in the tables, so an interrupted
 * benchmark resumes where it stopped.
 */
@Command(name = "bench-search",
        description = "Benchmark: evolve with each --strategies over --seeds seeds (the evolve arguments follow --),"
                + " and the best fitness found by each generation, mean ± sd over seeds, side by side.",
        mixinStandardHelpOptions = true)
public final class SearchComparisonCommand extends SparkJob {

    @Option(names = "--strategies", split = ",", defaultValue = "evolution,random", paramLabel = "S[,S…]",
            description = "Strategies to compare (default: ${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(names = "--seeds", defaultValue = "20", paramLabel = "N", description = "Seeds 1..N (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Parameters(paramLabel = "EVOLVE_ARG", description = "Arguments of every evolve run, after --.")
    List<String> evolveArgs = new ArrayList<>();

    @Override
    protected void validate() {
        for (String forbidden : List.of("--strategy", "--seed", "--search-id", "--tables")) {
            if (evolveArgs.contains(forbidden)) {
                throw new IllegalArgumentException(forbidden + " is set by bench-search; leave it out of the"
                        + " evolve arguments");
            }
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be positive, got " + seeds);
        }
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        String tag = Hashing.id128(String.join(" ", evolveArgs)).substring(0, 8);
        Map<String, List<String>> searches = new TreeMap<>();
        long start = System.nanoTime();
        int done = 0;
        for (String strategy : strategies) {
            for (int seed = 1; seed <= seeds; seed++) {
                String id = "bench-" + tag + "-" + strategy + "-s" + seed;
                runEvolve(strategy, seed, id);
                searches.computeIfAbsent(strategy, s -> new ArrayList<>()).add(id);
                done++;
                double elapsed = (System.nanoTime() - start) / 1e9;
                int total = strategies.size() * seeds;
                spec.commandLine().getErr().printf(Locale.ROOT, "bench-search: %d/%d searches, %.1f s, about"
                        + " %.0f s left%n", done, total, elapsed, elapsed / done * (total - done));
                spec.commandLine().getErr().flush();
            }
        }
        return new Outcome(0, "bench-search over " + seeds + " seeds, evolve " + String.join(" ", evolveArgs)
                + "\nbest fitness found by each generation, mean ± sd over seeds:\n" + table(spark, searches));
    }

    private void runEvolve(String strategy, int seed, String searchId) {
        List<String> args = new ArrayList<>(List.of("evolve"));
        args.addAll(evolveArgs);
        args.addAll(List.of("--strategy", strategy, "--seed", Integer.toString(seed), "--search-id", searchId));
        NasCli.runInSession(sparkOptions.tables(), null, args.toArray(String[]::new));
    }

    /** Per generation and strategy: the best fitness evaluated up to it, over seeds. */
    private String table(SparkSession spark, Map<String, List<String>> searches) {
        Map<String, Map<Integer, Double>> bestByGeneration = new HashMap<>();
        List<String> ids = searches.values().stream().flatMap(List::stream).toList();
        for (Row r : new TableStore(spark).read(Tables.SEARCH_GENERATIONS)
                .where(col("search_id").isin(ids.toArray()).and(col("evaluated")).and(col("fitness").isNotNull()))
                .groupBy("search_id", "generation").max("fitness").collectAsList()) {
            bestByGeneration.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getInt(1), r.getDouble(2));
        }
        int generations = bestByGeneration.values().stream().mapToInt(m -> ((TreeMap<Integer, Double>) m).lastKey())
                .max().orElse(0);
        StringBuilder out = new StringBuilder("| generation |");
        searches.keySet().forEach(s -> out.append(' ').append(s).append(" |"));
        out.append("\n| --- |").append(" --- |".repeat(searches.size())).append('\n');
        for (int g = 1; g <= generations; g++) {
            out.append("| ").append(g).append(" |");
            for (List<String> runs : searches.values()) {
                SummaryStatistics stats = new SummaryStatistics();
                for (String id : runs) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (Map.Entry<Integer, Double> e : bestByGeneration.getOrDefault(id, Map.of()).entrySet()) {
                        best = e.getKey() <= g ? Math.max(best, e.getValue()) : best;
                    }
                    if (Double.isFinite(best)) {
                        stats.addValue(best);
                    }
                }
                out.append(String.format(Locale.ROOT, " %.3f ± %.3f |", stats.getMean(), stats.getStandardDeviation()));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
