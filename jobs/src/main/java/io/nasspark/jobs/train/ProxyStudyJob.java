package io.nasspark.jobs.train;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.train.ProxyRanking;
import io.nasspark.util.Seeds;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nas proxy-study}: how well each proxy ranks candidates by trained accuracy. */
@Command(name = "proxy-study",
        description = "Join proxy_scores with accuracy and write Kendall tau and Spearman rho per proxy and group,"
                + " with bootstrap confidence intervals, to proxy_study; print them as a table.",
        mixinStandardHelpOptions = true)
public final class ProxyStudyJob extends SparkJob {

    static final List<String> GROUP_COLUMNS = List.of("space", "task", "input_size", "classes");

    @Option(names = "--group", paramLabel = "COLS", split = ",", defaultValue = "space,task",
            description = "Rank within groups of these proxy_scores columns, of " + "space,task,input_size,classes"
                    + " (default: ${DEFAULT-VALUE}). Recipes always separate groups.")
    List<String> group;

    @Option(names = "--task", paramLabel = "T", description = "Only proxies scored on this task.")
    String task;

    @Option(names = "--accuracy-task", paramLabel = "T",
            description = "Judge against accuracy on this task (default: the task the proxies were scored on).")
    String accuracyTask;

    @Option(names = "--proxy-recipe", paramLabel = "R", description = "Only scoring runs of this recipe.")
    String proxyRecipe;

    @Option(names = "--accuracy-recipe", paramLabel = "R", description = "Only accuracies of this recipe.")
    String accuracyRecipe;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--confidence", paramLabel = "C", defaultValue = "0.95",
            description = "Confidence level of the intervals (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the resampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    protected void validate() {
        for (String g : group) {
            if (!GROUP_COLUMNS.contains(g)) {
                throw new IllegalArgumentException("--group: unknown column '" + g + "'; known: "
                        + String.join(",", GROUP_COLUMNS));
            }
        }
        if (resamples < 1 || !(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("need --resamples >= 1 and 0 < --confidence < 1");
        }
    }

    @Override
    protected Long seed() {
        return seed;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        TableStore store = new TableStore(spark);
        for (var t : List.of(Tables.PROXY_SCORES, Tables.ACCURACY)) {
            if (!store.exists(t)) {
                throw new IllegalArgumentException("no " + t.name() + " table yet: run "
                        + (t == Tables.ACCURACY ? "train-accuracy" : "score") + " first");
            }
        }
        List<Row> pairs = pairs(store).collectAsList();
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no candidate has both an ok proxy score and an ok accuracy for this"
                    + " selection; check --task, --accuracy-task and the recipes");
        }
        Map<List<String>, List<Row>> byStudy = new TreeMap<>((a, b) -> String.join("\u0000", a)
                .compareTo(String.join("\u0000", b)));
        for (Row r : pairs) {
            byStudy.computeIfAbsent(List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3)),
                    k -> new ArrayList<>()).add(r);
        }
        List<Row> out = new ArrayList<>();
        List<Row> printed = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        for (Map.Entry<List<String>, List<Row>> e : byStudy.entrySet()) {
            List<Row> rows = e.getValue();
            if (rows.size() < 3) {
                continue;
            }
            double[] score = rows.stream().mapToDouble(r -> r.getDouble(4)).toArray();
            double[] accuracy = rows.stream().mapToDouble(r -> r.getDouble(5)).toArray();
            double cost = rows.stream().mapToDouble(r -> r.isNullAt(6) ? 0 : r.getDouble(6)).average().orElse(0);
            ProxyRanking p = ProxyRanking.of(score, accuracy, resamples, confidence,
                    Seeds.mix(seed, String.join("|", e.getKey()).hashCode()));
            List<String> k = e.getKey();
            Map<String, Object> row = new HashMap<>();
            row.put("grp", k.get(0));
            row.put("proxy", k.get(1));
            row.put("proxy_recipe", k.get(2));
            row.put("accuracy_recipe", k.get(3));
            row.put("candidates", (long) p.candidates());
            row.put("kendall_tau", p.tau());
            row.put("tau_low", p.tauLow());
            row.put("tau_high", p.tauHigh());
            row.put("spearman_rho", p.rho());
            row.put("rho_low", p.rhoLow());
            row.put("rho_high", p.rhoHigh());
            row.put("confidence", confidence);
            row.put("resamples", resamples);
            row.put("seed", seed);
            row.put("seconds_per_candidate", cost);
            row.put("run_id", runId);
            row.put("created_at", now);
            out.add(Tables.PROXY_STUDY.row(row));
            printed.add(RowFactory.create(k.get(0), k.get(1), p.candidates(),
                    String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", p.tau(), p.tauLow(), p.tauHigh()),
                    String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", p.rho(), p.rhoLow(), p.rhoHigh()),
                    String.format(Locale.ROOT, "%.2f", cost)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("every group has fewer than 3 candidates with a score and an accuracy");
        }
        store.merge(Tables.PROXY_STUDY, spark.createDataFrame(out, Tables.PROXY_STUDY.schema()),
                TableStore.MergeMode.REPLACE);
        String table = TablePrinter.table(new String[] {"group", "proxy", "n",
            String.format(Locale.ROOT, "Kendall tau [%.0f %% CI]", 100 * confidence),
            String.format(Locale.ROOT, "Spearman rho [%.0f %% CI]", 100 * confidence), "s/candidate"}, printed);
        return new Outcome(out.size(), table + String.format(Locale.ROOT,
                "proxy-study: %d proxy-group rows to %s (%d bootstrap resamples, seed %d)", out.size(),
                Tables.PROXY_STUDY.name(), resamples, seed));
    }

    /** grp, proxy, proxy recipe, accuracy recipe, score, top-1, seconds: one row per candidate and proxy. */
    private Dataset<Row> pairs(TableStore store) {
        Dataset<Row> p = store.read(Tables.PROXY_SCORES).where(col("status").equalTo(Tables.OK)
                .and(col("score").isNotNull()).and(functions.not(functions.isnan(col("score")))));
        if (task != null) {
            p = p.where(col("task").equalTo(task));
        }
        if (proxyRecipe != null) {
            p = p.where(col("recipe").equalTo(proxyRecipe));
        }
        Dataset<Row> a = store.read(Tables.ACCURACY).where(col("status").equalTo(Tables.OK)
                .and(col("top1").isNotNull()));
        if (accuracyRecipe != null) {
            a = a.where(col("recipe").equalTo(accuracyRecipe));
        }
        a = a.select(col("id").as("a_id"), col("input_size").as("a_size"), col("classes").as("a_classes"),
                col("task").as("a_task"), col("recipe").as("a_recipe"), col("top1"));
        Column sameTask = accuracyTask != null ? col("a_task").equalTo(accuracyTask) : col("a_task").equalTo(col("task"));
        Column[] groupParts = group.stream()
                .flatMap(g -> java.util.stream.Stream.of(functions.lit(g + "="), col(g).cast("string"),
                        functions.lit(",")))
                .toArray(Column[]::new);
        Column grp = functions.regexp_replace(functions.concat(groupParts), ",$", "");
        return p.join(a, col("id").equalTo(col("a_id")).and(col("input_size").equalTo(col("a_size")))
                        .and(col("classes").equalTo(col("a_classes"))).and(sameTask))
                .select(grp.as("grp"), col("proxy"), col("recipe"), col("a_recipe"), col("score"), col("top1"),
                        col("seconds"));
    }
}
