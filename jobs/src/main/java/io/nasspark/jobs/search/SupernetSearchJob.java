package io.nasspark.jobs.search;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;

import io.nasspark.data.Datasets;
import io.nasspark.jobs.cli.Progress;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.jobs.contract.IdsFiles;
import io.nasspark.jobs.io.Architectures;
import io.nasspark.jobs.predict.StoredPredictors;
import io.nasspark.jobs.train.TrainingData;
import io.nasspark.predict.DifferentiablePredictor;
import io.nasspark.predict.Predictor;
import io.nasspark.schema.ArchitectureRow;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.search.differentiable.SupernetSearch;
import io.nasspark.space.Candidate;
import io.nasspark.space.CandidateSampler;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvOp;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.util.Hashing;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas supernet-search}: a sweep of differentiable searches, one Spark task per (method,
 * target, λ, seed), each a whole search on its executor with per-epoch checkpoints under the
 * warehouse, so a re-run after a killed task or driver continues from the last finished epoch.
 */
@Command(name = "supernet-search",
        description = "Differentiable searches on a weight-sharing MBConv supernet (LightNAS, its fixed-λ baseline,"
                + " SurgeNAS), one Spark task per target, λ and seed; writes supernet_searches, supernet_trace and"
                + " the derived networks to architectures, and plots λ and the predicted latency by step.",
        mixinStandardHelpOptions = true)
public final class SupernetSearchJob extends SparkJob {

    @Option(names = "--method", required = true, paramLabel = "lightnas|fixed-lambda|surgenas|sandwich",
            description = "LightNAS (λ learned), its fixed-λ baseline, SurgeNAS, or Double-Win NAS's sandwich search"
                    + " (LightNAS whose weights train the largest, the smallest and two sampled paths per step).")
    String method;

    @Option(names = "--space", required = true, paramLabel = "SPACE",
            description = "A layer-wise MBConv space: mbconv, mbconv-small or mbconv-mini, or their hybrid"
                    + " transformable forms (mbconv-mini-hybrid, …) with linear blocks.")
    String space;

    @Option(names = "--latency-predictor", required = true, paramLabel = "ID",
            description = "A stored latency predictor of the space that has a gradient in its input (mlp or lut).")
    String latencyPredictor;

    @Option(names = "--targets-ms", required = true, split = ",", paramLabel = "T[,T…]",
            description = "Latency targets, ms; one search per target (fixed-lambda: T only scales λ·(LAT/T − 1)).")
    List<Double> targetsMs;

    @Option(names = "--lambdas", split = ",", paramLabel = "L[,L…]",
            description = "fixed-lambda: the λ grid (required); surgenas: β (default 1); lightnas: λ's start"
                    + " (default 0, as in the thesis).")
    List<Double> lambdas;

    @Option(names = "--seeds", split = ",", defaultValue = "0", paramLabel = "S[,S…]",
            description = "Search seeds: weights and Gumbel noise (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--dataset", defaultValue = "fashion-mnist", paramLabel = "NAME|PATH",
            description = "Images to search on (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--train-images", defaultValue = "8192", paramLabel = "N",
            description = "The first N training images train w (default: ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(names = "--validation-images", defaultValue = "2048", paramLabel = "N",
            description = "The next N, held apart, train α (default: ${DEFAULT-VALUE}).")
    int validationImages;

    @Option(names = "--input-size", defaultValue = "0", paramLabel = "PX",
            description = "Resolution the supernet trains at (default: the space's). The derived networks are stored"
                    + " at the resolution of the latency predictor's rows, where they will run.")
    int inputSize;

    @Option(names = "--epochs", defaultValue = "15", paramLabel = "E",
            description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--warmup-epochs", paramLabel = "E",
            description = "The first epochs, in which only the supernet's weights learn and α and λ stay put"
                    + " (default: a fifth of --epochs, rounded down; the thesis: 10 of 90 for LightNAS).")
    Integer warmupEpochs;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--weight-lr", defaultValue = "1.0", paramLabel = "RATE",
            description = "SGD step of the supernet's weights, plain SGD: every operator learns on a seventh of"
                    + " the steps (default: ${DEFAULT-VALUE}).")
    double weightLr;

    @Option(names = "--alpha-optimizer", defaultValue = "sgd", paramLabel = "sgd|adam",
            description = "How the architecture parameters α learn (default: ${DEFAULT-VALUE}; the thesis uses Adam,"
                    + " which ended further from T here: docs/differentiable-search.md).")
    String alphaOptimizer;

    @Option(names = "--alpha-lr", paramLabel = "RATE",
            description = "Step of α (default: 0.05 with sgd, 0.01 with adam; the thesis' 1e-3 with Adam is for its"
                    + " thousands of ImageNet steps per epoch).")
    Double alphaLr;

    @Option(names = "--lambda-lr", defaultValue = "0.005", paramLabel = "RATE",
            description = "lightnas: gradient-ascent step of λ per search step (default: ${DEFAULT-VALUE}; the thesis'"
                    + " 5e-4 is for its thousands of ImageNet steps per epoch).")
    double lambdaLr;

    @Option(names = "--lambda-gain", defaultValue = "0", paramLabel = "K",
            description = "lightnas: proportional part of λ, λ = λ_I + K·(LAT/T − 1) with λ_I the gradient ascent's"
                    + " sum, which damps the swing around T (default: ${DEFAULT-VALUE}, the thesis' pure ascent).")
    double lambdaGain;

    @Option(names = "--identity-weight", defaultValue = "2", paramLabel = "PHI",
            description = "surgenas: weight φ of the identity mapping beside every operator at the start, decaying"
                    + " linearly to 0 (default: ${DEFAULT-VALUE}, the thesis'; 0 is the ablation without it).")
    double identityWeight;

    @Option(names = "--temperature", split = ",", paramLabel = "START,END",
            description = "Gumbel temperature, decayed geometrically (default: 5,0.2 for lightnas and fixed-lambda,"
                    + " 1,0.2 for surgenas).")
    List<Double> temperature;

    @Option(names = "--derive", paramLabel = "argmax|within-target",
            description = "The network a search ends with: α's argmax (the thesis; the default of fixed-lambda and"
                    + " surgenas), or within-target, the most probable one under softmax(α) whose predicted latency is"
                    + " within --derive-tolerance of T (the default of lightnas and sandwich).")
    String derive;

    @Option(names = "--derive-tolerance", defaultValue = "0.01", paramLabel = "FRACTION",
            description = "within-target: the band around T, as a fraction of it (default: ${DEFAULT-VALUE}).")
    double deriveTolerance;

    @Option(names = "--retry-failed", description = "Run again the searches stored with status failed.")
    boolean retryFailed;

    @Option(names = "--stop-after-epoch", hidden = true, paramLabel = "E",
            description = "Tests: every search stops after epoch E as if its task were killed there.")
    Integer stopAfterEpoch;

    private MbConvSpace searchSpace;
    private SupernetSearch.Method searchMethod;
    private Row predictor;
    /** Resolution of the latencies the predictor was fit on: the derived networks are stored at it. */
    private int latencyInputSize;

    /** The method's name on the command line and in tables. */
    static String methodName(SupernetSearch.Method m) {
        return m.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    protected void validate() {
        searchMethod = Arrays.stream(SupernetSearch.Method.values()).filter(m -> methodName(m).equals(method))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "--method must be lightnas, fixed-lambda, surgenas or sandwich, got " + method));
        SearchSpace s = SearchSpaces.byName(space);
        if (!(s instanceof MbConvSpace mbconv) || mbconv.layers() == 0) {
            throw new IllegalArgumentException("space " + space + " has no searchable MBConv layers; supernet-search"
                    + " searches mbconv, mbconv-small or mbconv-mini, or their -hybrid forms");
        }
        searchSpace = mbconv;
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (warmupEpochs == null) {
            warmupEpochs = epochs / 5;
        }
        if (warmupEpochs < 0 || warmupEpochs >= epochs) {
            throw new IllegalArgumentException("--warmup-epochs must be at least 0 and below --epochs (" + epochs
                    + "), got " + warmupEpochs);
        }
        if (batch < 1 || trainImages < batch || validationImages < batch) {
            throw new IllegalArgumentException("--train-images (" + trainImages + ") and --validation-images ("
                    + validationImages + ") must each hold at least one --batch of " + batch);
        }
        if (targetsMs.stream().anyMatch(t -> !(t > 0))) {
            throw new IllegalArgumentException("--targets-ms must be positive, got " + targetsMs);
        }
        if (searchMethod == SupernetSearch.Method.FIXED_LAMBDA && lambdas == null) {
            throw new IllegalArgumentException("--method fixed-lambda needs --lambdas, the λ grid");
        }
        if (lambdas == null) {
            lambdas = List.of(searchMethod == SupernetSearch.Method.SURGENAS ? 1.0 : 0.0);
        }
        if (temperature == null) {
            temperature = List.of(searchMethod == SupernetSearch.Method.SURGENAS ? 1.0 : 5.0, 0.2);
        }
        if (temperature.size() != 2 || !(temperature.get(0) >= temperature.get(1)) || !(temperature.get(1) > 0)) {
            throw new IllegalArgumentException("--temperature is START,END with START ≥ END > 0, got " + temperature);
        }
        if (!alphaOptimizer.equals("sgd") && !alphaOptimizer.equals("adam")) {
            throw new IllegalArgumentException("--alpha-optimizer must be sgd or adam, got " + alphaOptimizer);
        }
        if (alphaLr == null) {
            alphaLr = alphaOptimizer.equals("adam") ? 0.01 : 0.05;
        }
        if (!(weightLr > 0) || !(alphaLr > 0) || !(lambdaLr >= 0)) {
            throw new IllegalArgumentException("--weight-lr and --alpha-lr must be positive, --lambda-lr not negative");
        }
        if (!(lambdaGain >= 0)) {
            throw new IllegalArgumentException("--lambda-gain must be 0 or more, got " + lambdaGain);
        }
        if (searchMethod != SupernetSearch.Method.LIGHTNAS && searchMethod != SupernetSearch.Method.SANDWICH) {
            lambdaLr = 0; // only LightNAS and the sandwich search learn λ
            lambdaGain = 0;
        }
        if (derive == null) {
            derive = searchMethod == SupernetSearch.Method.LIGHTNAS || searchMethod == SupernetSearch.Method.SANDWICH
                    ? "within-target" : "argmax";
        }
        if (!derive.equals("argmax") && !derive.equals("within-target")) {
            throw new IllegalArgumentException("--derive must be argmax or within-target, got " + derive);
        }
        if (!(deriveTolerance > 0 && deriveTolerance < 1)) {
            throw new IllegalArgumentException("--derive-tolerance must be above 0 and below 1, got " + deriveTolerance);
        }
        if (derive.equals("argmax")) {
            deriveTolerance = 0;
        }
        if (!(identityWeight >= 0)) {
            throw new IllegalArgumentException("--identity-weight must be 0 or more, got " + identityWeight);
        }
        if (searchMethod != SupernetSearch.Method.SURGENAS) {
            identityWeight = 0; // only SurgeNAS has the identity mapping
        }
        inputSize = inputSize == 0 ? searchSpace.defaultInputSize() : inputSize;
        Datasets.Splits splits;
        try {
            splits = TrainingData.open(dataset);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dataset " + dataset + ": " + e.getMessage(), e);
        }
        if (splits.train().size() < trainImages + validationImages) {
            throw new IllegalArgumentException("--dataset " + dataset + " has " + splits.train().size()
                    + " training images, fewer than --train-images + --validation-images = "
                    + (trainImages + validationImages));
        }
    }

    @Override
    protected void validate(SparkSession spark) {
        predictor = StoredPredictors.find(new TableStore(spark), latencyPredictor);
        String id = predictor.getAs("predictor_id");
        if (!"latency".equals(predictor.getAs("target"))) {
            throw new IllegalArgumentException("predictor " + id + " predicts " + predictor.getAs("target")
                    + ", not latency");
        }
        if (!space.equals(predictor.getAs("space"))) {
            throw new IllegalArgumentException("predictor " + id + " is for space " + predictor.getAs("space")
                    + ", not for " + space);
        }
        if (StoredPredictors.readsChannelScales(predictor)) {
            throw new IllegalArgumentException("predictor " + id + " reads channel scales, which the supernet keeps at"
                    + " 1; use one fit without --channel-scales");
        }
        latencyInputSize = groupValue(predictor.getAs("grp"), "input_size", inputSize);
        Predictor p = StoredPredictors.load(predictor);
        if (!(p instanceof DifferentiablePredictor)) {
            throw new IllegalArgumentException("predictor " + id + " (" + p.kind() + ") has no gradient in its input;"
                    + " supernet-search needs an mlp or lut latency predictor");
        }
        double[] range = predictedRange(p);
        for (double t : targetsMs) {
            if (t < range[0] || t > range[1]) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "--targets-ms %s is outside what"
                        + " predictor %s predicts for %s: %.3f to %.3f ms", t, id.substring(0, 12), space,
                        range[0], range[1]));
            }
        }
    }

    /** The value of {@code key} in a predictor's group label ({@code space=…,input_size=32,…}), or the fallback. */
    private static int groupValue(String group, String key, int fallback) {
        for (String part : group == null ? new String[0] : group.split(",")) {
            if (part.startsWith(key + "=")) {
                return Integer.parseInt(part.substring(key.length() + 1));
            }
        }
        return fallback;
    }

    /**
     * The latencies the predictor can reach: the least and most it predicts over 2,000 drawn
     * candidates and the all-MBK3E3 and all-MBK7E6 networks.
     */
    private double[] predictedRange(Predictor p) {
        CandidateSampler sampler = new CandidateSampler(searchSpace, 0);
        List<Candidate> probe = new ArrayList<>(LongStream.range(0, 2_000).mapToObj(sampler::at).toList());
        MbConvOp[] largest = new MbConvOp[searchSpace.layers()];
        Arrays.fill(largest, MbConvOp.MBK7E6);
        MbConvOp[] smallest = new MbConvOp[searchSpace.layers()];
        Arrays.fill(smallest, MbConvOp.MBK3E3);
        probe.add(searchSpace.withOps(largest));
        probe.add(searchSpace.withOps(smallest));
        double[] y = p.predict(searchSpace, probe);
        return new double[] {Arrays.stream(y).min().orElseThrow(), Arrays.stream(y).max().orElseThrow()};
    }

    @Override
    protected Long seed() {
        return seeds.get(0);
    }

    /** Every option besides method, target, λ and seed that shapes a search, sorted. */
    String definition() {
        Map<String, String> d = new TreeMap<>();
        d.put("space", space);
        d.put("latency-predictor", predictor.getAs("predictor_id"));
        d.put("dataset", TrainingData.task(dataset));
        d.put("train-images", Integer.toString(trainImages));
        d.put("validation-images", Integer.toString(validationImages));
        d.put("input-size", Integer.toString(inputSize));
        d.put("epochs", Integer.toString(epochs));
        d.put("warmup-epochs", Integer.toString(warmupEpochs));
        d.put("batch", Integer.toString(batch));
        d.put("weight-lr", Double.toString(weightLr));
        d.put("alpha-optimizer", alphaOptimizer);
        d.put("alpha-lr", Double.toString(alphaLr));
        d.put("lambda-lr", Double.toString(lambdaLr));
        d.put("lambda-gain", Double.toString(lambdaGain));
        d.put("temperature", temperature.get(0) + "," + temperature.get(1));
        if (searchMethod == SupernetSearch.Method.SURGENAS) {
            d.put("identity-weight", Double.toString(identityWeight));
        }
        if (deriveTolerance > 0) {
            // absent for the argmax, so searches stored before there was a choice keep their ids
            d.put("derive", "within-target:" + deriveTolerance);
        }
        // α learns from the gradient of every path entry (MbConvSupernet.forwardEveryEntry); the
        // searches stored before it learned from the picked operators' alone and are not these
        d.put("alpha-gradient", "every-entry");
        return d.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private List<SupernetSearchFn.Task> tasks(String definitionHash) {
        List<SupernetSearchFn.Task> tasks = new ArrayList<>();
        for (double t : targetsMs) {
            for (double l : lambdas) {
                for (long s : seeds) {
                    String id = String.format(Locale.ROOT, "%s/T%s/l%s/s%d@%s", method, t, l, s, definitionHash);
                    tasks.add(new SupernetSearchFn.Task(id, searchMethod, t, l, s));
                }
            }
        }
        return tasks;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        long start = System.nanoTime();
        String definition = definition();
        String hash = Hashing.id128(definition).substring(0, 8);
        TableStore store = new TableStore(spark);
        List<SupernetSearchFn.Task> all = tasks(hash);
        Set<String> stored = storedIds(store, all);
        List<SupernetSearchFn.Task> pending = all.stream().filter(t -> !stored.contains(t.searchId())).toList();
        var err = spec.commandLine().getErr();
        List<SupernetSearchFn.Outcome> outcomes = List.of();
        if (!pending.isEmpty()) {
            String root = Path.of(sparkOptions.tables(), "checkpoints", "supernet-search").toAbsolutePath().toString();
            SupernetSearchFn.Sweep sweep = new SupernetSearchFn.Sweep(space, predictor.getAs("predictor_id"),
                    predictor.getAs("path"), definition, dataset, trainImages, validationImages, inputSize,
                    new SupernetSearchFn.SearchSettings(epochs, warmupEpochs, batch, weightLr,
                            SupernetSearch.AlphaOptimizer.valueOf(alphaOptimizer.toUpperCase(Locale.ROOT)), alphaLr, lambdaLr,
                            lambdaGain, identityWeight, temperature.get(0), temperature.get(1),
                            deriveTolerance),
                    root, stopAfterEpoch, runId);
            LongAccumulator done = spark.sparkContext().longAccumulator("supernet-search");
            try (Progress progress = Progress.start("supernet-search", pending.size(), "searches", done::value, err)) {
                outcomes = JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(pending, pending.size())
                        .map(new SupernetSearchFn(sweep, done))
                        .collect();
            }
            if (stopAfterEpoch != null) {
                throw new IllegalStateException("stopped after epoch " + stopAfterEpoch + " as asked"
                        + " (--stop-after-epoch): nothing written, the checkpoints stay");
            }
            write(spark, store, outcomes, runId);
        }
        long failed = outcomes.stream().filter(o -> !o.ok()).count();
        output(DERIVED, derivedIdsFile(store, all, hash));
        String plot = SupernetTracePlot.write(spark, store, all.stream().map(SupernetSearchFn.Task::searchId).toList(),
                sparkOptions.tables(), hash);
        return new Outcome(outcomes.size(), summary(store, all, pending.size(), failed, plot,
                (System.nanoTime() - start) / 1e9));
    }

    /** The output naming the file of the sweep's derived ids, for later pipeline stages ({@code --ids}). */
    public static final String DERIVED = "derived";

    /**
     * Writes the ids of the networks the sweep's finished searches derived, one per line and
     * sorted, to {@code <tables>/ids/supernet-search-<hash>-<content>.ids} ({@link IdsFiles}).
     */
    private String derivedIdsFile(TableStore store, List<SupernetSearchFn.Task> all, String hash) {
        Object[] ids = all.stream().map(SupernetSearchFn.Task::searchId).toArray();
        List<String> derived = store.read(Tables.SUPERNET_SEARCHES)
                .where(col("search_id").isin(ids).and(col("status").equalTo(Tables.OK)))
                .select("id").distinct().orderBy("id").as(Encoders.STRING()).collectAsList();
        return IdsFiles.write(Path.of(sparkOptions.tables(), "ids"), "supernet-search-" + hash + "-", derived)
                .toAbsolutePath().toString();
    }

    private Set<String> storedIds(TableStore store, List<SupernetSearchFn.Task> tasks) {
        if (!store.exists(Tables.SUPERNET_SEARCHES)) {
            return Set.of();
        }
        Object[] ids = tasks.stream().map(SupernetSearchFn.Task::searchId).toArray();
        Set<String> stored = new HashSet<>();
        for (Row r : store.read(Tables.SUPERNET_SEARCHES).where(col("search_id").isin(ids))
                .select("search_id", "status").collectAsList()) {
            if (!(retryFailed && Tables.FAILED.equals(r.getString(1)))) {
                stored.add(r.getString(0));
            }
        }
        return stored;
    }

    /** The trace, then the derived networks, then the searches: a search counts once all of it is stored. */
    private void write(SparkSession spark, TableStore store, List<SupernetSearchFn.Outcome> outcomes, String runId) {
        List<Row> trace = outcomes.stream().flatMap(o -> o.trace().stream()).toList();
        if (!trace.isEmpty()) {
            store.merge(Tables.SUPERNET_TRACE, spark.createDataFrame(trace, Tables.SUPERNET_TRACE.schema()),
                    TableStore.MergeMode.REPLACE);
        }
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> derived = new ArrayList<>();
        int arch = Tables.SUPERNET_SEARCHES.columns().indexOf("arch");
        for (SupernetSearchFn.Outcome o : outcomes) {
            if (o.ok()) {
                Candidate c = searchSpace.parse(o.search().getString(arch));
                ArchitectureRow row = Architectures.row(searchSpace, c, latencyInputSize, searchSpace.defaultClasses(),
                        "supernet-search", null, 0, runId, now);
                derived.add(row.toRow());
            }
        }
        if (!derived.isEmpty()) {
            store.merge(Tables.ARCHITECTURES, spark.createDataFrame(derived, Tables.ARCHITECTURES.schema()));
        }
        store.merge(Tables.SUPERNET_SEARCHES, spark.createDataFrame(
                outcomes.stream().map(SupernetSearchFn.Outcome::search).toList(), Tables.SUPERNET_SEARCHES.schema()),
                retryFailed ? TableStore.MergeMode.REPLACE_FAILED : TableStore.MergeMode.INSERT_NEW);
    }

    private String summary(TableStore store, List<SupernetSearchFn.Task> all, int ran, long failed, String plot,
            double seconds) {
        Object[] ids = all.stream().map(SupernetSearchFn.Task::searchId).toArray();
        Map<String, Double> argmaxMs = new HashMap<>();
        if (store.exists(Tables.SUPERNET_TRACE)) {
            for (Row r : store.read(Tables.SUPERNET_TRACE).where(col("search_id").isin(ids)).groupBy("search_id")
                    .agg(max_by(col("predicted_ms"), col("step"))).collectAsList()) {
                argmaxMs.put(r.getString(0), r.getDouble(1));
            }
        }
        List<Row> table = new ArrayList<>();
        for (Row r : store.read(Tables.SUPERNET_SEARCHES).where(col("search_id").isin(ids))
                .orderBy("target_ms", "lambda_start", "seed").collectAsList()) {
            double t = r.<Double>getAs("target_ms");
            Double predicted = r.getAs("predicted_ms");
            Double argmax = argmaxMs.get(r.<String>getAs("search_id"));
            table.add(RowFactory.create(r.<String>getAs("search_id"), r.<String>getAs("status"),
                    r.<String>getAs("arch"), predicted == null ? null : round(predicted),
                    predicted == null ? null : round(100 * (predicted / t - 1)),
                    argmax == null ? null : round(100 * (argmax / t - 1)),
                    r.<Double>getAs("final_lambda") == null ? null : round(r.<Double>getAs("final_lambda")),
                    round(r.<Double>getAs("wall_seconds"))));
        }
        return String.format(Locale.ROOT, "supernet-search: %d searches, %d already stored, %d run (%d failed); %.1f s%n",
                all.size(), all.size() - ran, ran, failed, seconds)
                + TablePrinter.table(new String[] {"search", "status", "derived", "LAT ms", "vs T %", "argmax vs T %",
                    "λ", "wall s"}, table)
                + (plot == null ? "" : "λ and LAT(ᾱ)/T by step: " + plot + "\n");
    }

    private static Double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
