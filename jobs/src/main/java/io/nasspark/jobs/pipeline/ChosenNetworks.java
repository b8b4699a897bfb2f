package io.nasspark.jobs.pipeline;

import io.nasspark.schema.IcebergCatalog;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The networks a search chose (its last population), with what later stages learnt of them:
 * the latency the search saw (a predictor's, when it searched under one), the measured median,
 * the trained accuracy and whether a Pareto analysis put them on its first front. Missing
 * tables or rows leave the values null.
 */
public final class ChosenNetworks {

    /** One chosen network. Values are null where no stage produced them. */
    public record Chosen(String id, String arch, Double fitness, Double searchedMs, Double measuredMedianMs,
            Double measuredP10Ms, Double top1, Boolean onFront) {}

    private ChosenNetworks() {}

    /** The ids of {@code searchId}'s last population, best first. */
    public static List<String> ids(SparkSession spark, String searchId) {
        return spark.sql("SELECT g.id" + lastPopulation(searchId) + " ORDER BY g.population_rank")
                .as(Encoders.STRING()).collectAsList();
    }

    /** The chosen networks of {@code searchId}, with the analyses {@code analyses} asked about the front. */
    public static List<Chosen> of(SparkSession spark, String searchId, List<String> analyses) {
        TableStore store = new TableStore(spark);
        List<Row> rows = spark.sql("SELECT g.id, g.arch, g.fitness, g.latency_ms,"
                + measured(store, "median_ms") + measured(store, "p10_ms")
                + (store.exists(Tables.ACCURACY) ? " (SELECT max(a.top1) FROM " + table(Tables.ACCURACY)
                        + " a WHERE a.id = g.id AND a.status = 'ok')" : " CAST(NULL AS DOUBLE)") + " AS top1,"
                + (store.exists(Tables.PARETO) && !analyses.isEmpty() ? " EXISTS (SELECT 1 FROM "
                        + table(Tables.PARETO) + " p WHERE p.id = g.id AND p.front_rank = 1 AND p.analysis IN ("
                        + quoted(analyses) + "))" : " CAST(NULL AS BOOLEAN)") + " AS on_front"
                + lastPopulation(searchId) + " ORDER BY g.population_rank").collectAsList();
        List<Chosen> chosen = new ArrayList<>();
        for (Row r : rows) {
            chosen.add(new Chosen(r.getString(0), r.getString(1), nullable(r, 2), nullable(r, 3), nullable(r, 4),
                    nullable(r, 5), nullable(r, 6), r.isNullAt(7) ? null : r.getBoolean(7)));
        }
        return chosen;
    }

    /** A measured latency statistic of the candidate (the mean over devices and protocols, if several). */
    private static String measured(TableStore store, String column) {
        return (store.exists(Tables.LATENCY) ? " (SELECT avg(l." + column + ") FROM " + table(Tables.LATENCY)
                + " l WHERE l.id = g.id AND l.status = 'ok' AND l.source = 'measured')" : " CAST(NULL AS DOUBLE)")
                + " AS measured_" + column + ",";
    }

    private static String lastPopulation(String searchId) {
        String generations = table(Tables.SEARCH_GENERATIONS);
        return " FROM " + generations + " g WHERE g.search_id = '" + searchId.replace("'", "''") + "' AND"
                + " g.in_population AND g.generation = (SELECT max(generation) FROM " + generations
                + " WHERE search_id = g.search_id)";
    }

    private static String table(io.nasspark.schema.TableSchema t) {
        return IcebergCatalog.qualified(t.name());
    }

    private static String quoted(List<String> values) {
        return String.join(", ", values.stream().map(v -> "'" + v.replace("'", "''") + "'").toList());
    }

    private static Double nullable(Row r, int i) {
        return r.isNullAt(i) ? null : r.getDouble(i);
    }
}
