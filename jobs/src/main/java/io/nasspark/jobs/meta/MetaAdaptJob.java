package io.nasspark.jobs.meta;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.jobs.predict.StoredPredictors;
import io.nasspark.predict.Predictors;
import io.nasspark.predict.RegressionMetrics;
import io.nasspark.predict.meta.FewShot;
import io.nasspark.predict.meta.MetaMlpPredictor;
import io.nasspark.predict.meta.Pairs;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.util.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas meta-adapt}: adapts a meta-learned predictor to a target task (accuracy) or device
 * (latency) from K of its pairs, judges it on the other pairs, and with
 * {@code --compare-baselines} does the same for the three baselines of Fig. 5.6. Every method's
 * predictor is stored, so {@code predict} serves the adapted one like any other.
 */
@Command(name = "meta-adapt",
        description = "Adapt a meta-pretrain predictor to a target task (or device) from --shots of its pairs and judge"
                + " it on the rest (RMSE, Kendall tau, Spearman rho); with --compare-baselines also target-only,"
                + " source-only and fine-tune. One predictors row per method and draw.",
        mixinStandardHelpOptions = true)
public final class MetaAdaptJob extends SparkJob {

    @Option(names = "--target", paramLabel = "accuracy|latency",
            description = "What the meta-predictor predicts (default: what it was pretrained for; checked if given).")
    String target;

    @ArgGroup(multiplicity = "1")
    TargetGroup targetGroup;

    /** The group to adapt to: a task for accuracy, a device for latency. */
    static final class TargetGroup {
        @Option(names = "--target-task", required = true, paramLabel = "TASK", description = "Accuracy: task to adapt to.")
        String task;

        @Option(names = "--target-device", required = true, paramLabel = "DEVICE",
                description = "Latency: device to adapt to.")
        String device;
    }

    @Option(names = {"--target-recipe", "--target-protocol"}, paramLabel = "RECIPE",
            description = "The target's training recipe (latency: measurement protocol), when it has more than one.")
    String targetRecipe;

    @Option(names = "--statistic", defaultValue = "median", paramLabel = "median|p10",
            description = "Latency: which of the target's measurements to adapt to and judge on, the median of the"
                    + " timed repeats or their 10th percentile, which interference disturbs least; the sources"
                    + " stay as the meta-predictor learned them (default: ${DEFAULT-VALUE}).")
    String statistic;

    @Option(names = "--shots", defaultValue = "10", paramLabel = "K",
            description = "Target pairs to adapt on; the others judge (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the choice of shots and of the baselines' fits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--draws", defaultValue = "1", paramLabel = "N",
            description = "Repeat with seeds S..S+N-1 (other shots each time) and report mean and spread"
                    + " (default: ${DEFAULT-VALUE}).")
    int draws;

    @Option(names = "--compare-baselines", description = "Also target-only, source-only and fine-tune.")
    boolean compareBaselines;

    @Option(names = "--meta-predictor", paramLabel = "ID",
            description = "The meta-pretrain predictor (an id prefix; default: the newest one).")
    String metaPredictor;

    @Option(names = "--adapt-steps", paramLabel = "N",
            description = "Gradient steps on the shots (default: the meta-predictor's inner steps).")
    Integer adaptSteps;

    @Option(names = "--adapt-lr", paramLabel = "ETA",
            description = "Their step size (default: the meta-predictor's inner step size).")
    Double adaptLr;

    @Option(names = "--fit-steps", defaultValue = "1000", paramLabel = "N",
            description = "Adam steps of the baselines' fits from scratch (default: ${DEFAULT-VALUE}).")
    int fitSteps;

    @Option(names = "--fit-lr", defaultValue = "0.001", paramLabel = "RATE",
            description = "Their step size (default: ${DEFAULT-VALUE}).")
    double fitLr;

    @Override
    protected void validate() {
        if (target != null) {
            TaskPairs.Target.of(target);
        }
        (targetGroup.task != null ? TaskPairs.Target.ACCURACY : TaskPairs.Target.LATENCY).rows.column(statistic);
        if (shots < 2) {
            throw new IllegalArgumentException("--shots must be at least 2, got " + shots);
        }
        if (draws < 1) {
            throw new IllegalArgumentException("--draws must be at least 1, got " + draws);
        }
        if (fitSteps < 1 || !(fitLr > 0) || adaptSteps != null && adaptSteps < 0
                || adaptLr != null && !(adaptLr > 0)) {
            throw new IllegalArgumentException("--fit-steps, --fit-lr, --adapt-steps and --adapt-lr must be positive");
        }
    }

    @Override
    protected Long seed() {
        return seed;
    }

    /** One method's predictor on one draw of shots. */
    private record Judged(String method, String predictorId, RegressionMetrics metrics) {}

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        long start = System.nanoTime();
        TableStore store = new TableStore(spark);
        Row meta = metaRow(store);
        Path metaDir = Path.of(meta.<String>getAs("path"));
        MetaMlpPredictor start0;
        List<String> sources;
        try {
            start0 = (MetaMlpPredictor) Predictors.load(metaDir);
            sources = SourceTasks.read(metaDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the meta-predictor in " + metaDir + ": " + e.getMessage(), e);
        }
        TaskPairs.Target what = TaskPairs.Target.of(meta.getAs("target"));
        String targetTask = targetLabel(what, meta);
        if (sources.contains(targetTask)) {
            throw new IllegalArgumentException("--target-" + what.group + " " + targetTask + " is a source " + what.group
                    + " of meta-predictor " + meta.<String>getAs("predictor_id").substring(0, 12) + " ("
                    + String.join(", ", sources) + "); adapt to a " + what.group + " it did not learn from");
        }
        String space = meta.getAs("space");
        String valueColumn = what.rows.column(statistic);
        TaskPairs target = TaskPairs.read(spark, what, List.of(targetTask), targetRecipe, valueColumn, space);
        if (target.tasks().size() > 1) {
            throw new IllegalArgumentException(what.group + " " + targetTask + " has pairs of more than one "
                    + what.variant + " (" + String.join(", ", target.recipes()) + "); choose one with --target-"
                    + what.variant);
        }
        Pairs pairs = target.tasks().get(0);
        String recipe = target.recipes().get(0);
        if (pairs.size() == 0 && !valueColumn.equals(what.value())) {
            throw new IllegalArgumentException(what.group + " " + targetTask + " has no " + valueColumn
                    + " (imported latency rows carry only a median); choose another --statistic");
        }
        if (pairs.size() < shots + 2) {
            throw new IllegalArgumentException("target " + what.group + " " + targetTask + " has " + pairs.size()
                    + " pairs with " + what.noun + "; --shots " + shots + " needs at least " + (shots + 2)
                    + " (" + shots + " to adapt, the rest, 2 or more, to judge)");
        }
        Map<String, String> metaSettings = keyValues(meta.getAs("hyper_parameters"));
        FewShot.Settings settings = new FewShot.Settings(
                adaptSteps != null ? adaptSteps : Integer.parseInt(metaSettings.get("inner_steps")),
                adaptLr != null ? adaptLr : Double.parseDouble(metaSettings.get("inner_lr")), fitSteps, fitLr, 32);
        FewShot fewShot = new FewShot(start0.network(), settings, start0.logTarget());
        double[] sourceFit = null;
        long sourcePairs = 0;
        if (compareBaselines) {
            TaskPairs source = TaskPairs.read(spark, what, sources, null, what.value(), space);
            sourceFit = fewShot.sourceFit(source.tasks(), seed);
            sourcePairs = source.total();
        }
        String metaId = meta.getAs("predictor_id");
        String group = what.group + "=" + targetTask + "," + what.variant + "=" + recipe;
        // The median is the default and stays out of the id, so earlier predictors keep theirs.
        String judgedOn = statistic.equals("median") ? "" : ",statistic=" + statistic;
        Timestamp now = Timestamp.from(Instant.now());
        List<Judged> judged = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int d = 0; d < draws; d++) {
            long drawSeed = seed + d;
            Pairs[] split = pairs.split(shots, new SplittableRandom(drawSeed));
            List<MetaMlpPredictor> methods = new ArrayList<>();
            methods.add(fewShot.maml(start0.parameters(), split[0]));
            if (compareBaselines) {
                methods.add(fewShot.targetOnly(split[0], drawSeed));
                methods.add(fewShot.sourceOnly(sourceFit, split[0]));
                methods.add(fewShot.fineTune(sourceFit, split[0]));
            }
            for (MetaMlpPredictor p : methods) {
                RegressionMetrics m = RegressionMetrics.of(split[1].y(), p.predict(split[1].x()));
                // The pairs' count is in the id: more pairs of the task later make new predictors, not stale rows.
                String id = Hashing.id128("meta-adapt", metaId, targetTask, recipe, Integer.toString(pairs.size()),
                        p.method(), Integer.toString(shots), Long.toString(drawSeed), settings.describe() + judgedOn);
                Path dir = Path.of(sparkOptions.tables(), "predictors", id).toAbsolutePath();
                try {
                    p.save(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot save the predictor to " + dir, e);
                }
                long trained = switch (p.method()) {
                    case "source-only" -> sourcePairs;
                    case "fine-tune" -> sourcePairs + shots;
                    default -> shots; // maml's meta-training pairs are counted in its meta-predictor's row
                };
                rows.add(StoredPredictors.row(id, what.label(), p.method(), target.space(), group,
                        p.describe() + ",meta_predictor=" + metaId.substring(0, 12), trained, split[1].size(),
                        "shots=" + shots + ",seed=" + drawSeed + judgedOn, drawSeed, m, dir, runId, now));
                judged.add(new Judged(p.method(), id, m));
            }
        }
        long added = store.merge(Tables.PREDICTORS, spark.createDataFrame(rows, Tables.PREDICTORS.schema())).rowsAdded();
        return new Outcome(added, summary(targetTask, pairs, TaskPairs.skippedNote(target.skipped(), what), judged,
                (System.nanoTime() - start) / 1e9));
    }

    /** The task or device asked for, checked against what the meta-predictor predicts. */
    private String targetLabel(TaskPairs.Target what, Row meta) {
        if (target != null && TaskPairs.Target.of(target) != what) {
            throw new IllegalArgumentException("--target " + target + ", but meta-predictor "
                    + meta.<String>getAs("predictor_id").substring(0, 12) + " predicts " + what.label());
        }
        String label = what == TaskPairs.Target.LATENCY ? targetGroup.device : targetGroup.task;
        if (label == null) {
            throw new IllegalArgumentException("meta-predictor " + meta.<String>getAs("predictor_id").substring(0, 12)
                    + " predicts " + what.label() + ": name the target with --target-" + what.group);
        }
        return label;
    }

    /** The meta-pretrain predictor asked for, or the newest. */
    private Row metaRow(TableStore store) {
        Row meta;
        if (metaPredictor != null) {
            meta = StoredPredictors.find(store, metaPredictor);
        } else {
            // The target option given says which kind: a device for latency, a task for accuracy.
            String kind = (targetGroup.device != null ? TaskPairs.Target.LATENCY : TaskPairs.Target.ACCURACY).label();
            List<Row> newest = store.exists(Tables.PREDICTORS) ? store.read(Tables.PREDICTORS)
                    .where(col("model").equalTo(MetaPretrainJob.MODEL).and(col("target").equalTo(kind)))
                    .orderBy(col("created_at").desc()).limit(1)
                    .collectAsList() : List.of();
            if (newest.isEmpty()) {
                throw new IllegalArgumentException("no meta-pretrain predictor for " + kind
                        + " stored; run meta-pretrain first");
            }
            meta = newest.get(0);
        }
        if (!MetaPretrainJob.MODEL.equals(meta.getAs("model"))) {
            throw new IllegalArgumentException("predictor " + meta.getAs("predictor_id") + " is a " + meta.getAs("model")
                    + " predictor, not one meta-pretrain made");
        }
        return meta;
    }

    private static Map<String, String> keyValues(String list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : list.split(",")) {
            String[] p = kv.split("=", 2);
            if (p.length == 2) {
                out.put(p[0], p[1]);
            }
        }
        return out;
    }

    private String summary(String targetTask, Pairs pairs, String skipped, List<Judged> judged, double seconds) {
        List<Row> table = new ArrayList<>();
        for (String method : FewShot.METHODS) {
            List<RegressionMetrics> ms = judged.stream().filter(j -> j.method().equals(method))
                    .map(Judged::metrics).toList();
            if (ms.isEmpty()) {
                continue;
            }
            String first = judged.stream().filter(j -> j.method().equals(method)).findFirst().orElseThrow()
                    .predictorId().substring(0, 12);
            table.add(RowFactory.create(method, first, spread(ms, RegressionMetrics::kendallTau),
                    spread(ms, RegressionMetrics::spearmanRho), spread(ms, RegressionMetrics::rmse)));
        }
        return String.format(Locale.ROOT,
                "meta-adapt: %s%s, %d shots, %d draw(s) (seeds %d..%d), judged on the other %d pairs%s; %.1f s%n",
                targetTask, statistic.equals("median") ? "" : " (" + statistic + ")", shots, draws, seed,
                seed + draws - 1, pairs.size() - shots,
                skipped,
                seconds)
                + TablePrinter.table(new String[] {"method", "predictor (seed " + seed + ")", "kendall_tau",
                        "spearman_rho", "rmse"}, table).stripTrailing();
    }

    /** Mean, and with more than one draw the standard deviation, e.g. {@code 0.412 ± 0.051}. */
    private static String spread(List<RegressionMetrics> ms, java.util.function.ToDoubleFunction<RegressionMetrics> f) {
        SummaryStatistics stats = new SummaryStatistics();
        ms.forEach(m -> stats.addValue(f.applyAsDouble(m)));
        return stats.getN() == 1 ? String.format(Locale.ROOT, "%.3f", stats.getMean())
                : String.format(Locale.ROOT, "%.3f ± %.3f", stats.getMean(), stats.getStandardDeviation());
    }
}
