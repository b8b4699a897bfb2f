package io.nasspark.jobs.predict;

import static org.apache.spark.sql.functions.col;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.predict.Predictor;
import io.nasspark.predict.Predictors;
import io.nasspark.predict.RegressionMetrics;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.util.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas train-predictor}: fits one predictor per group (device and protocol for latency,
 * task and recipe for accuracy) on a seeded split, and judges it on the rows it did not see.
 */
@Command(name = "train-predictor",
        description = "Fit a latency or accuracy predictor (mlp, gnn, lut, gbt) per group on a seeded split"
                + " of the stored rows, report its metrics on the unseen rows, and store it.",
        mixinStandardHelpOptions = true)
public final class TrainPredictorJob extends SparkJob {

    /** The library's predictors, and MLlib's trees. */
    static final List<String> MODELS = java.util.stream.Stream.concat(Predictors.KINDS.stream(), java.util.stream.Stream.of("gbt"))
            .toList();

    @Option(names = "--target", required = true, paramLabel = "latency|accuracy", description = "What to predict.")
    String target;

    @Option(names = "--model", required = true, paramLabel = "KIND", description = "mlp, gnn, lut or gbt.")
    String model;

    @Option(names = "--trees", paramLabel = "N",
            description = "gbt only: boosting rounds, each a few Spark jobs (default: " + GbtPredictor.DEFAULT_TREES + ").")
    Integer trees;

    @Option(names = "--train-size", paramLabel = "N", description = "Rows to fit on, per group.")
    Integer trainSize;

    @Option(names = "--train-fraction", paramLabel = "F", description = "Share of each group's rows to fit on.")
    Double trainFraction;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Split and fit seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--statistic", defaultValue = "median", paramLabel = "median|p10",
            description = "Which latency to learn: the median of the timed repeats, or their 10th percentile,"
                    + " which interference disturbs least (default: ${DEFAULT-VALUE}).")
    String statistic;

    @Option(names = "--channel-scales",
            description = "MBConv spaces: read each layer's channel scale besides its operator (for candidates"
                    + " sampled with --channel-scales, and LightNets++'s evolve --channels-of).")
    boolean channelScales;

    @Option(names = "--group", split = ",", paramLabel = "KEY=VALUE",
            description = "Only the groups with these values (keys: space, device, protocol, task, recipe,"
                    + " input_size, classes).")
    Map<String, String> group = new LinkedHashMap<>();

    private TargetRows rows;
    private String valueColumn;

    @Override
    protected void validate() {
        rows = TargetRows.of(target);
        valueColumn = rows.column(statistic);
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException("--model must be one of " + String.join(", ", MODELS) + ", got " + model);
        }
        if (trees != null && !model.equals("gbt")) {
            throw new IllegalArgumentException("--trees applies to --model gbt only, not " + model);
        }
        if (trees != null && trees < 1) {
            throw new IllegalArgumentException("--trees must be at least 1, got " + trees);
        }
        if ((trainSize == null) == (trainFraction == null)) {
            throw new IllegalArgumentException("give one of --train-size and --train-fraction");
        }
        if (trainSize != null && trainSize < 1) {
            throw new IllegalArgumentException("--train-size must be at least 1, got " + trainSize);
        }
        if (trainFraction != null && !(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("--train-fraction must be between 0 and 1, got " + trainFraction);
        }
        rows.checkGroupKeys(group);
    }

    @Override
    protected Long seed() {
        return seed;
    }

    /** One trained predictor's outcome. */
    record Trained(String predictorId, String group, long train, RegressionMetrics metrics, boolean existed) {}

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        Dataset<Row> all = rows.only(rows.read(spark, valueColumn), group);
        List<TargetRows.Group> groups = rows.groups(all);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no " + target + " rows with status ok"
                    + (group.isEmpty() ? "" : " in group " + group) + "; measure or import some first");
        }
        List<Trained> trained = new ArrayList<>();
        for (TargetRows.Group g : groups) {
            trained.add(trainOne(spark, g, runId));
        }
        long written = trained.stream().filter(t -> !t.existed()).count();
        output("id", String.join(",", trained.stream().map(Trained::predictorId).toList()));
        return new Outcome(written, summary(trained));
    }

    private Trained trainOne(SparkSession spark, TargetRows.Group g, String runId) {
        int n = rows.groupColumns().size();
        String label = g.label();
        Row group = g.key();
        List<Row> members = g.rows();
        SearchSpace space = SearchSpaces.byName(group.getString(0), channelScales);
        List<Row> ordered = new ArrayList<>(members);
        // The split depends on the ids and the seed only: the same rows split the same way anywhere.
        ordered.sort(Comparator.comparing(r -> Hashing.id128(r.getString(n), Long.toString(seed))));
        int total = ordered.size();
        int train = trainSize != null ? trainSize : (int) Math.round(trainFraction * total);
        if (train < 1) {
            throw new IllegalArgumentException("group " + label + " has " + total + " rows: the training split is empty");
        }
        if (train >= total - 1) {
            throw new IllegalArgumentException("group " + label + " has only " + total + " rows; training on "
                    + train + " leaves fewer than 2 to judge the predictor on");
        }
        // The median is the default and stays out of the split, so earlier predictors keep their ids.
        String split = (trainSize != null ? "train-size=" + train : "train-fraction=" + trainFraction)
                + (statistic.equals("median") ? "" : ",statistic=" + statistic)
                + (channelScales ? "," + StoredPredictors.CHANNEL_SCALES : "")
                + (trees == null ? "" : ",trees=" + trees)
                + (Predictors.defaultsKey(model).isEmpty() ? "" : "," + Predictors.defaultsKey(model));
        String predictorId = Hashing.id128("predictor", target, model, label, split, Long.toString(seed));
        List<Candidate> xs = new ArrayList<>(total);
        double[] ys = new double[total];
        for (int i = 0; i < total; i++) {
            Row r = ordered.get(i);
            if (r.isNullAt(n + 3)) {
                throw new IllegalArgumentException("group " + label + ": candidate " + r.getString(n) + " has no "
                        + valueColumn + " (imported latency rows carry only a median); choose another --statistic"
                        + " or --group");
            }
            ys[i] = r.getDouble(n + 3);
            if (Double.isNaN(ys[i]) || ys[i] < 0 || (rows == TargetRows.LATENCY && ys[i] == 0)) {
                throw new IllegalArgumentException("group " + label + ": candidate " + r.getString(n) + " has "
                        + target + " " + ys[i] + "; fix or drop that row first");
            }
            if (r.getInt(n + 2) != space.version()) {
                throw new IllegalArgumentException("candidate " + r.getString(n) + " is of " + space.name() + " v"
                        + r.getInt(n + 2) + " but this build has v" + space.version());
            }
            xs.add(space.parse(r.getString(n + 1)));
        }
        TableStore store = new TableStore(spark);
        List<Row> stored = store.exists(Tables.PREDICTORS)
                ? store.read(Tables.PREDICTORS).where(col("predictor_id").equalTo(predictorId)).limit(1).collectAsList()
                : List.of();
        if (!stored.isEmpty()) {
            Row m = stored.get(0);
            return new Trained(predictorId, label, train, new RegressionMetrics(m.<Long>getAs("test_rows"),
                    m.getAs("rmse"), m.getAs("mae"), m.getAs("mape"), m.getAs("kendall_tau"), m.getAs("spearman_rho"),
                    m.getAs("within_5pct"), m.getAs("within_10pct")), true);
        }
        boolean log = rows == TargetRows.LATENCY;
        List<Candidate> fitOn = xs.subList(0, train);
        double[] fitY = java.util.Arrays.copyOfRange(ys, 0, train);
        Predictor p = model.equals("gbt") ? GbtPredictor.fit(spark, space, fitOn, fitY, log, seed,
                        trees == null ? GbtPredictor.DEFAULT_TREES : trees)
                : Predictors.fit(model, space, fitOn, fitY, log, seed);
        List<Candidate> unseen = xs.subList(train, total);
        double[] truth = java.util.Arrays.copyOfRange(ys, train, total);
        double[] predicted = p.predict(space, unseen);
        RegressionMetrics metrics = RegressionMetrics.of(truth, predicted);
        Path dir = Path.of(sparkOptions.tables(), "predictors", predictorId).toAbsolutePath();
        try {
            p.save(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the predictor to " + dir, e);
        }
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> predictions = new ArrayList<>();
        for (int i = 0; i < unseen.size(); i++) {
            Row r = ordered.get(train + i);
            predictions.add(PredictFn.predictionRow(predictorId, r.getString(n), group.getInt(3), group.getInt(4),
                    space.name(), target, predicted[i], runId, now));
        }
        store.merge(Tables.PREDICTIONS, spark.createDataFrame(predictions, Tables.PREDICTIONS.schema()));
        Row row = StoredPredictors.row(predictorId, target, model, space, label, p.describe(), train, unseen.size(),
                split + ",order=sha256(id,seed)", seed, metrics, dir, runId, now);
        store.merge(Tables.PREDICTORS, spark.createDataFrame(List.of(row), Tables.PREDICTORS.schema()));
        return new Trained(predictorId, label, train, metrics, false);
    }

    private String summary(List<Trained> trained) {
        List<Row> table = new ArrayList<>();
        for (Trained t : trained) {
            RegressionMetrics m = t.metrics();
            table.add(RowFactory.create(t.predictorId().substring(0, 12) + (t.existed() ? " (stored)" : ""),
                    t.group(), t.train(), m.rows(), round(m.rmse(), 4), round(m.mae(), 4), round(m.mape(), 2),
                    round(m.kendallTau(), 3), round(m.spearmanRho(), 3), round(100 * m.within5pct(), 1),
                    round(100 * m.within10pct(), 1)));
        }
        return "train-predictor: " + model + " for " + target + (statistic.equals("median") ? "" : " (" + statistic + ")")
                + ", metrics on the unseen rows\n"
                + TablePrinter.table(new String[] {"predictor", "group", "train", "test", "rmse", "mae", "mape%",
                        "tau", "rho", "within5%", "within10%"}, table).stripTrailing();
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
