package io.nasspark.jobs.search;

import static org.apache.spark.sql.functions.col;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.jobs.io.Architectures;
import io.nasspark.jobs.predict.StoredPredictors;
import io.nasspark.jobs.train.ProxyScores;
import io.nasspark.model.CostModel;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.FeatureShape;
import io.nasspark.model.SeededWeights;
import io.nasspark.schema.ArchitectureRow;
import io.nasspark.schema.TableStore;
import io.nasspark.schema.Tables;
import io.nasspark.search.Individual;
import io.nasspark.search.Proposal;
import io.nasspark.search.Proposer;
import io.nasspark.search.SearchState;
import io.nasspark.search.SearchStrategy;
import io.nasspark.search.Strategies;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.train.TrainingRecipe;
import io.nasspark.util.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas evolve}: a search whose every generation is evaluated as one Spark stage over the
 * population, reusing what the tables already hold, and written to {@code search_generations}
 * in one commit, so a search killed at any point resumes after its last complete generation.
 */
@Command(name = "evolve",
        description = "Evolutionary (or random) search over a space with a fitness from the tables or from"
                + " proxy scoring on the executors; every generation goes to search_generations, and a re-run"
                + " with the same --search-id resumes.",
        mixinStandardHelpOptions = true)
public final class EvolveJob extends SparkJob {

    @Option(names = "--space", required = true, paramLabel = "SPACE", description = "Search space.")
    String space;

    @Option(names = "--strategy", defaultValue = "evolution", paramLabel = "NAME",
            description = "evolution (Algorithm 2), aging, nsga2 or random (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--fitness", required = true, paramLabel = "SOURCE[,SOURCE…]",
            description = "accuracy (top-1 looked up in the accuracy table), proxy:bte|tse|jacov (scored on the"
                    + " executors, reusing stored scores) or predictor:ID (a stored predictor applied on the"
                    + " executors; a latency predictor counts negated). Several: their weighted sum (--weights).")
    String fitness;

    @Option(names = "--weights", split = ",", paramLabel = "W[,W…]",
            description = "Weights of the --fitness sources, in order (default: 1 each).")
    List<Double> weights;

    @Option(names = "--task", paramLabel = "T", description = "accuracy fitness: only rows of this task.")
    String task;

    @Option(names = "--recipe", paramLabel = "R", description = "accuracy fitness: only rows of this recipe.")
    String recipe;

    @Option(names = "--dataset", defaultValue = "fashion-mnist", paramLabel = "NAME|PATH",
            description = "proxy fitness: the dataset to score on (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--limit-images", defaultValue = "1024", paramLabel = "N",
            description = "proxy fitness: training images (default: ${DEFAULT-VALUE}).")
    int limitImages;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "B",
            description = "proxy fitness: images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-flops", paramLabel = "X", description = "Only candidates with at most X multiply-adds.")
    Long maxFlops;

    @Option(names = "--max-params", paramLabel = "X", description = "Only candidates with at most X parameters.")
    Long maxParams;

    @Option(names = "--max-latency-ms", paramLabel = "MS",
            description = "Only candidates whose latency in the latency table (--latency-device) is at most MS.")
    Double maxLatencyMs;

    @Option(names = "--latency-device", paramLabel = "D",
            description = "Latency of --max-latency-ms and --objective2 latency: measured on this device group.")
    String latencyDevice;

    @Option(names = "--latency-protocol", paramLabel = "LABEL",
            description = "With --latency-device: the measurement protocol to read (needed when the device has"
                    + " rows under more than one, such as b1-w10-r50-t1-i16 and its +merged rows).")
    String latencyProtocol;

    @Option(names = "--latency-predictor", paramLabel = "ID",
            description = "Latency of --max-latency-ms and --objective2 latency: predicted by this stored predictor.")
    String latencyPredictor;

    @Option(names = "--channels-of", paramLabel = "ARCH",
            description = "LightNets++ (thesis §4.3.5): search only the per-layer channel scales of this MBConv"
                    + " network (say a supernet-search's derived one), its operators kept; a latency predictor must"
                    + " read scales (train-predictor --channel-scales).")
    String channelsOf;

    @Option(names = "--objective2", paramLabel = "flops|params|latency",
            description = "nsga2: a second objective, minimised beside the fitness.")
    String objective2;

    @Option(names = "--population", defaultValue = "20", paramLabel = "P",
            description = "Population size and candidates per generation (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--generations", defaultValue = "20", paramLabel = "Q",
            description = "Generations (default: ${DEFAULT-VALUE}).")
    int generations;

    @Option(names = "--evaluations", paramLabel = "N", description = "Evaluations instead of --generations: N / P"
            + " generations, rounded up.")
    Integer evaluations;

    @Option(names = "--keep", defaultValue = "10", paramLabel = "K",
            description = "evolution: parents kept per generation (default: ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--rate", defaultValue = "0.5", paramLabel = "R",
            description = "Crossover and mutation rate (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--tournament", defaultValue = "5", paramLabel = "S",
            description = "aging: members drawn per tournament (default: ${DEFAULT-VALUE}).")
    int tournament;

    @Option(names = "--input-size", defaultValue = "0", paramLabel = "PX",
            description = "Input resolution of the candidates (default: the space's).")
    int inputSize;

    @Option(names = "--classes", defaultValue = "0", paramLabel = "N",
            description = "Classifier outputs (default: the space's).")
    int classes;

    @Option(names = "--max-tries", defaultValue = "200", paramLabel = "T",
            description = "Candidates drawn per wanted proposal before the constraint is declared unmeetable"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxTries;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Search seed (default: 0).")
    long seed;

    @Option(names = "--search-id", required = true, paramLabel = "NAME",
            description = "Name of the search; a re-run with the same name resumes it.")
    String searchId;

    @Option(names = "--stop-after", paramLabel = "G", hidden = true,
            description = "Tests: stop after generation G as if the driver were killed there.")
    Integer stopAfter;

    private SearchSpace searchSpace;
    private SearchStrategy search;

    @Override
    protected void validate() {
        searchSpace = SearchSpaces.byName(space);
        if (channelsOf != null) {
            try {
                // only MBConv spaces have scales: byName refuses the others
                MbConvSpace scaled = (MbConvSpace) SearchSpaces.byName(space, true);
                searchSpace = scaled.channelsOf(scaled.parse(channelsOf));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--channels-of " + channelsOf + ": " + e.getMessage(), e);
            }
        }
        search = Strategies.byName(strategy, population, keep, rate, tournament);
        for (String source : fitnessSources()) {
            if (!source.equals("accuracy") && !source.matches("proxy:(bte|tse|jacov)") && !source.matches(
                    "predictor:[0-9a-f]+")) {
                throw new IllegalArgumentException("--fitness sources are accuracy, proxy:bte|tse|jacov or"
                        + " predictor:ID, got " + source);
            }
        }
        if (weights != null && weights.size() != fitnessSources().size()) {
            throw new IllegalArgumentException("--weights has " + weights.size() + " values for "
                    + fitnessSources().size() + " --fitness sources");
        }
        if (evaluations != null) {
            if (evaluations < 1) {
                throw new IllegalArgumentException("--evaluations must be positive, got " + evaluations);
            }
            generations = (evaluations + population - 1) / population;
        }
        if (generations < 1 || maxTries < 1) {
            throw new IllegalArgumentException("--generations and --max-tries must be positive");
        }
        boolean wantsLatency = maxLatencyMs != null || "latency".equals(objective2);
        if (wantsLatency && (latencyDevice == null) == (latencyPredictor == null)) {
            throw new IllegalArgumentException("a latency constraint or objective needs either --latency-device D"
                    + " (measured) or --latency-predictor ID (predicted)");
        }
        if (latencyProtocol != null && latencyDevice == null) {
            throw new IllegalArgumentException("--latency-protocol reads measured latency: give --latency-device too");
        }
        if (objective2 != null && !List.of("flops", "params", "latency").contains(objective2)) {
            throw new IllegalArgumentException("--objective2 must be flops, params or latency, got " + objective2);
        }
        inputSize = inputSize == 0 ? searchSpace.defaultInputSize() : inputSize;
        classes = classes == 0 ? searchSpace.defaultClasses() : classes;
    }

    @Override
    protected Long seed() {
        return seed;
    }

    private List<String> fitnessSources() {
        return List.of(fitness.split(","));
    }

    private boolean uses(String prefix) {
        return fitnessSources().stream().anyMatch(f -> f.startsWith(prefix));
    }

    /** Every option that shapes the search, sorted: a resumed search must match it. */
    Map<String, String> definition() {
        Map<String, String> d = new TreeMap<>();
        d.put("space", space);
        d.put("strategy", strategy);
        d.put("fitness", fitness);
        d.put("task", String.valueOf(task));
        d.put("recipe", String.valueOf(recipe));
        d.put("weights", String.valueOf(weights));
        d.put("dataset", uses("proxy:") ? dataset : "-");
        d.put("limit-images", uses("proxy:") ? Integer.toString(limitImages) : "-");
        d.put("batch", uses("proxy:") ? Integer.toString(batch) : "-");
        d.put("max-flops", String.valueOf(maxFlops));
        d.put("max-params", String.valueOf(maxParams));
        d.put("max-latency-ms", String.valueOf(maxLatencyMs));
        d.put("latency-device", String.valueOf(latencyDevice));
        if (latencyProtocol != null) {
            d.put("latency-protocol", latencyProtocol); // only when given: earlier searches keep their definition
        }
        d.put("latency-predictor", String.valueOf(latencyPredictor));
        if (channelsOf != null) {
            d.put("channels-of", channelsOf); // only when given: earlier searches keep their definition
        }
        d.put("objective2", String.valueOf(objective2));
        d.put("population", Integer.toString(population));
        d.put("generations", Integer.toString(generations));
        d.put("keep", Integer.toString(keep));
        d.put("rate", Double.toString(rate));
        d.put("tournament", Integer.toString(tournament));
        d.put("input-size", Integer.toString(inputSize));
        d.put("classes", Integer.toString(classes));
        d.put("seed", Long.toString(seed));
        return d;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        long start = System.nanoTime();
        TableStore store = new TableStore(spark);
        requireSameDefinition(spark, store, runId);
        LatencyLookup latency = latencyLookup(store);
        SearchState state = SearchRecords.restore(store, searchSpace, searchId, objective2 != null);
        int resumedAt = state.generation();
        Predicate<Candidate> admissible = c -> admissible(c, latency);
        long written = 0;
        for (int g = state.generation() + 1; g <= generations; g++) {
            Proposer proposer = new Proposer(searchSpace, admissible, Seeds.forItem(seed, g), maxTries);
            List<Proposal> proposals = search.propose(state, proposer);
            Map<String, ArchitectureRow> rows = architectures(proposals, runId);
            Dataset<Row> proposed = spark.createDataFrame(
                    rows.values().stream().map(ArchitectureRow::toRow).toList(), Tables.ARCHITECTURES.schema());
            store.merge(Tables.ARCHITECTURES, proposed);
            Map<String, Double> fit = evaluate(spark, store, proposed, runId);
            if (fit.isEmpty()) {
                throw new IllegalArgumentException("--fitness " + fitness + " gave no value for any of the "
                        + proposals.size() + " candidates of generation " + g + " (" + searchSpace.name() + " at "
                        + inputSize + " px, " + classes + " classes" + (task == null ? "" : ", task " + task)
                        + (recipe == null ? "" : ", recipe " + recipe) + "); check that the table holds rows for"
                        + " them, or that the predictor or proxy applies");
            }
            List<Individual> evaluated = new ArrayList<>();
            for (Proposal p : proposals) {
                Double f = fit.get(p.id());
                if (f != null && Double.isFinite(f)) {
                    evaluated.add(new Individual(p.candidate(), p.id(), objectives(f, rows.get(p.id()), latency),
                            p.origin(), p.parents(), g));
                }
            }
            SearchState next = search.advance(state, evaluated);
            // Members carried over from before a resume were never looked up in this process.
            next.population().forEach(i -> latency.of(i.candidate(), i.id()));
            written += SearchRecords.write(spark, store, searchSpace, searchId, next, proposals, fit, rows,
                    latency.seen(), runId);
            spec.commandLine().getErr().printf(Locale.ROOT, "evolve %s: generation %d/%d, %d evaluated (%d with a"
                    + " fitness), best in population %.4f%n", searchId, g, generations, proposals.size(),
                    evaluated.size(), next.population().stream().mapToDouble(Individual::fitness).max().orElse(
                            Double.NaN));
            spec.commandLine().getErr().flush();
            state = next;
            if (stopAfter != null && g >= stopAfter) {
                throw new IllegalStateException("stopped after generation " + g + " (--stop-after)");
            }
        }
        List<Row> best = store.read(Tables.SEARCH_GENERATIONS)
                .where(col("search_id").equalTo(searchId).and(col("evaluated")).and(col("fitness").isNotNull()))
                .orderBy(col("fitness").desc(), col("id")).limit(5)
                .select("generation", "fitness", "flops", "params", "arch").collectAsList();
        String table = TablePrinter.table(new String[] {"generation", "fitness", "flops", "params", "arch"}, best);
        String saved = best.isEmpty() ? "" : saveBest(best.get(0).getString(4));
        output("search_id", searchId);
        return new Outcome(written, String.format(Locale.ROOT,
                "evolve %s: %s search of %s, generations %d..%d of %d (%s), fitness %s; %.1f s%n%s%s",
                searchId, strategy, space, resumedAt + 1, generations, generations,
                resumedAt > 0 ? "resumed after generation " + resumedAt : "new", fitness,
                (System.nanoTime() - start) / 1e9, table, saved));
    }

    private double[] objectives(double fitnessValue, ArchitectureRow row, LatencyLookup latency) {
        if (objective2 == null) {
            return new double[] {fitnessValue};
        }
        double second = switch (objective2) {
            case "flops" -> row.flops();
            case "params" -> row.params();
            default -> {
                Double ms = latency.of(searchSpace.parse(row.arch()), row.id());
                yield ms == null ? Double.POSITIVE_INFINITY : ms;
            }
        };
        return new double[] {fitnessValue, -second};
    }

    private boolean admissible(Candidate c, LatencyLookup latency) {
        if (maxFlops != null || maxParams != null) {
            var cost = CostModel.of(searchSpace.network(c, inputSize, classes), FeatureShape.image(3, inputSize));
            if (maxFlops != null && cost.flops() > maxFlops || maxParams != null && cost.params() > maxParams) {
                return false;
            }
        }
        if (maxLatencyMs != null) {
            Double ms = latency.of(c, searchSpace.id(c));
            return ms != null && ms <= maxLatencyMs;
        }
        return true;
    }

    /**
     * Latency predicted by {@code --latency-predictor}, or the median per candidate on
     * {@code --latency-device} under one protocol: the one given, or the only one there is.
     */
    private LatencyLookup latencyLookup(TableStore store) {
        if (latencyPredictor != null) {
            Row p = StoredPredictors.find(store, latencyPredictor);
            if (!p.<String>getAs("target").equals("latency") || !p.<String>getAs("space").equals(space)) {
                throw new IllegalArgumentException("--latency-predictor " + latencyPredictor + " predicts "
                        + p.getAs("target") + " of " + p.getAs("space") + ", not latency of " + space);
            }
            boolean scales = searchSpace instanceof MbConvSpace m && m.withScales();
            if (StoredPredictors.readsChannelScales(p) != scales) {
                throw new IllegalArgumentException("--latency-predictor " + latencyPredictor + (scales
                        ? " reads no channel scales, which --channels-of searches; fit one with train-predictor"
                                + " --channel-scales"
                        : " reads channel scales, which this search keeps at 1; use one fit without --channel-scales"));
            }
            return LatencyLookup.predicted(StoredPredictors.load(p), searchSpace);
        }
        if (latencyDevice == null) {
            return LatencyLookup.none();
        }
        Map<String, Double> out = new HashMap<>();
        if (!store.exists(Tables.LATENCY)) {
            throw new IllegalArgumentException("--latency-device: no latency table yet; run measure-latency or"
                    + " import-table first");
        }
        Dataset<Row> rows = store.read(Tables.LATENCY).where(col("device").equalTo(latencyDevice)
                .and(col("status").equalTo(Tables.OK)).and(col("space").equalTo(space))
                .and(col("input_size").equalTo(inputSize)));
        List<String> protocols = rows.select("protocol").distinct().orderBy("protocol").collectAsList().stream()
                .map(r -> r.getString(0)).toList();
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("--latency-device " + latencyDevice + ": no latency rows of " + space
                    + " at " + inputSize + " px");
        }
        if (latencyProtocol == null && protocols.size() > 1) {
            throw new IllegalArgumentException("--latency-device " + latencyDevice + " has " + space + " rows under "
                    + protocols.size() + " protocols " + protocols + "; name one with --latency-protocol");
        }
        if (latencyProtocol != null && !protocols.contains(latencyProtocol)) {
            throw new IllegalArgumentException("--latency-protocol " + latencyProtocol + ": no rows of " + space
                    + " on " + latencyDevice + "; its protocols are " + protocols);
        }
        rows.where(col("protocol").equalTo(latencyProtocol != null ? latencyProtocol : protocols.get(0)))
                .groupBy("id").avg("median_ms").collectAsList()
                .forEach(r -> out.put(r.getString(0), r.getDouble(1)));
        return LatencyLookup.measured(out);
    }

    /** The proposals' architectures rows, by id, in proposal order. */
    private Map<String, ArchitectureRow> architectures(List<Proposal> proposals, String runId) {
        Map<String, ArchitectureRow> rows = new LinkedHashMap<>();
        Timestamp now = Timestamp.from(Instant.now());
        for (Proposal p : proposals) {
            rows.put(p.id(), Architectures.row(searchSpace, p.candidate(), inputSize, classes, "search:" + searchId,
                    seed, 0, runId, now));
        }
        return rows;
    }

    /**
     * The generation's fitness: the weighted sum of its sources, each one Spark stage over the
     * candidates that reuses stored results. A candidate missing from any source has none.
     */
    private Map<String, Double> evaluate(SparkSession spark, TableStore store, Dataset<Row> proposed,
            String runId) {
        List<String> sources = fitnessSources();
        Map<String, Double> total = null;
        for (int i = 0; i < sources.size(); i++) {
            double w = weights == null ? 1.0 : weights.get(i);
            Map<String, Double> part = evaluate(sources.get(i), spark, store, proposed, runId);
            Map<String, Double> sum = new HashMap<>();
            for (Map.Entry<String, Double> e : part.entrySet()) {
                Double sofar = total == null ? Double.valueOf(0) : total.get(e.getKey());
                if (sofar != null) {
                    sum.put(e.getKey(), sofar + w * e.getValue());
                }
            }
            total = sum;
        }
        return total;
    }

    private Map<String, Double> evaluate(String source, SparkSession spark, TableStore store,
            Dataset<Row> proposed, String runId) {
        if (source.equals("accuracy")) {
            return storedAccuracy(store, proposed);
        }
        if (source.startsWith("predictor:")) {
            return predicted(spark, store, source.substring("predictor:".length()), proposed, runId);
        }
        TrainingRecipe r = new TrainingRecipe(3, batch, limitImages, "sgd", 0.05f, 0.9f, 0.0005f, "cosine", false,
                seed);
        return ProxyScores.of(spark, proposed, source.substring("proxy:".length()), dataset, r, runId,
                spec.commandLine().getErr());
    }

    private Map<String, Double> storedAccuracy(TableStore store, Dataset<Row> proposed) {
        if (!store.exists(Tables.ACCURACY)) {
            throw new IllegalArgumentException("--fitness accuracy: no accuracy table yet");
        }
        Dataset<Row> acc = store.read(Tables.ACCURACY).where(col("status").equalTo(Tables.OK)
                .and(col("input_size").equalTo(inputSize)).and(col("classes").equalTo(classes)));
        acc = task == null ? acc : acc.where(col("task").equalTo(task));
        acc = recipe == null ? acc : acc.where(col("recipe").equalTo(recipe));
        Map<String, Double> out = new HashMap<>();
        acc.join(proposed.select("id"), "id").groupBy("id").avg("top1").collectAsList()
                .forEach(r -> out.put(r.getString(0), r.getDouble(1)));
        return out;
    }

    /**
     * A stored predictor's values for the proposals: those already in {@code predictions} are
     * reused, the rest predicted on the executors and added there. Latency counts negated, so
     * that higher is better for every source.
     */
    private Map<String, Double> predicted(SparkSession spark, TableStore store, String prefix,
            Dataset<Row> proposed, String runId) {
        Row p = StoredPredictors.find(store, prefix);
        if (!p.<String>getAs("space").equals(space)) {
            throw new IllegalArgumentException("predictor " + prefix + " is for space " + p.getAs("space")
                    + ", not " + space);
        }
        String id = p.getAs("predictor_id");
        Dataset<Row> stored = store.exists(Tables.PREDICTIONS)
                ? store.read(Tables.PREDICTIONS).where(col("predictor_id").equalTo(id)
                        .and(col("input_size").equalTo(inputSize)).and(col("classes").equalTo(classes)))
                : null;
        Dataset<Row> missing = stored == null ? proposed : proposed.join(stored.select("id"),
                proposed.col("id").equalTo(stored.col("id")), "left_anti");
        store.merge(Tables.PREDICTIONS, StoredPredictors.apply(spark, p, missing, 1024, runId,
                spark.sparkContext().longAccumulator("predicted")));
        double sign = p.<String>getAs("target").equals("latency") ? -1 : 1;
        Map<String, Double> out = new HashMap<>();
        store.read(Tables.PREDICTIONS).where(col("predictor_id").equalTo(id).and(col("input_size").equalTo(inputSize))
                        .and(col("classes").equalTo(classes)))
                .join(proposed.select("id"), "id").select("id", "predicted").collectAsList()
                .forEach(r -> out.put(r.getString(0), sign * r.getDouble(1)));
        return out;
    }

    private void requireSameDefinition(SparkSession spark, TableStore store, String runId) {
        Map<String, String> mine = definition();
        Map<String, String> stored = SearchRecords.definition(store, searchId);
        if (stored == null) {
            SearchRecords.start(spark, store, searchId, space, strategy, fitness, mine, seed, runId);
            return;
        }
        List<String> differences = new ArrayList<>();
        for (String k : mine.keySet()) {
            if (!mine.get(k).equals(stored.get(k))) {
                differences.add("--" + k + " " + stored.get(k) + " (stored) vs " + mine.get(k) + " (given)");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("search " + searchId + " was started with other arguments: "
                    + String.join("; ", differences) + ". Give the stored ones to resume, or a new --search-id");
        }
    }

    /** The best candidate as a DJL model with seeded initial weights, ready to train. */
    private String saveBest(String arch) {
        if (sparkOptions.tables().contains("://")) {
            return "";
        }
        Path out = Path.of(sparkOptions.tables()).resolve("searches").resolve(searchId).resolve("best");
        Candidate c = searchSpace.parse(arch);
        try (Model model = Model.newInstance("best-" + searchId); NDManager manager = NDManager.newBaseManager()) {
            var block = DjlNetworkBuilder.build(searchSpace.network(c, inputSize, classes));
            block.initialize(manager, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 3, inputSize, inputSize));
            SeededWeights.apply(block, SeededWeights.Scheme.HE, new SplittableRandom(seed));
            model.setBlock(block);
            Files.createDirectories(out);
            model.setProperty("arch", arch);
            model.save(out, "best");
            Files.writeString(out.resolve("arch.txt"), arch + System.lineSeparator());
        } catch (Exception e) {
            return "could not save the best network: " + e.getMessage();
        }
        return "best network (untrained, seeded weights) saved as a DJL model in " + out;
    }
}
