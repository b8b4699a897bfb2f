package io.nasspark.schema;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Every table the project keeps, with its schema version and key. */
public final class Tables {

    private Tables() {}

    /** Status of an evaluation row whose numbers are valid. */
    public static final String OK = "ok";
    /**
     * Status of an evaluation row whose candidate could not be evaluated; its {@code error}
     * says why, and a run with {@code --retry-failed} evaluates it again.
     */
    public static final String FAILED = "failed";
    /**
     * Status of a training row whose loss stopped being a finite number; the row says at which
     * epoch. Training is deterministic, so a re-run does not try it again.
     */
    public static final String DIVERGED = "diverged";

    /** One row per candidate network and input shape, with its analytic cost. */
    public static final TableSchema ARCHITECTURES = new TableSchema(
            "architectures",
            1,
            new StructType(new StructField[] {
                key("id", StringType, "stable id: hash of space, space version and canonical encoding"),
                column("space", StringType, "search space name"),
                column("space_version", IntegerType, "search space version"),
                column("arch", StringType, "readable architecture string; parses back"),
                column("canonical_id", StringType, "id shared by isomorphic candidates"),
                column("encoding", StringType, "canonical encoding the id hashes"),
                column("flops", LongType, "multiply-accumulates of conv and linear layers, one sample"),
                column("params", LongType, "trainable parameters"),
                column("memory_accesses", LongType, "elements read and written by conv and linear layers"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                column("sampler", StringType, "how the candidate was drawn: enumerate, permutation, uniform"),
                column("seed", LongType, "seed of the draw"),
                column("sample_index", LongType, "position of the candidate in the draw"),
                column("run_id", StringType, "run that first wrote the row"),
                column("created_at", TimestampType, "when the row was first written"),
            }),
            List.of("id", "input_size", "classes"),
            "candidate networks with their FLOPs, parameters and memory accesses");

    /**
     * One row per candidate, input shape, device and protocol: inference latency with its
     * spread and the harness's share of it. Measured rows and imported benchmark rows meet here.
     */
    public static final TableSchema LATENCY = new TableSchema(
            "latency",
            1,
            new StructType(new StructField[] {
                key("id", StringType, "candidate id, as in architectures"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                key("device", StringType, "device profile label: the group latencies compare within"),
                key("protocol", StringType, "measurement protocol label, e.g. b1-w10-r50-t1"),
                column("space", StringType, "search space name"),
                column("batch", IntegerType, "images per forward pass"),
                column("warmup", IntegerType, "untimed forward passes before timing"),
                column("repeats", IntegerType, "timed forward passes"),
                column("threads", IntegerType, "intra-op threads of the engine"),
                column("median_ms", DoubleType, "median latency of one forward pass, ms"),
                column("p10_ms", DoubleType, "10th percentile, ms"),
                column("p90_ms", DoubleType, "90th percentile, ms"),
                column("std_ms", DoubleType, "standard deviation, ms"),
                column("cv", DoubleType, "coefficient of variation: std / mean"),
                column("op_calls", IntegerType, "engine operator calls per forward pass"),
                column("harness_ms", DoubleType, "estimated cost of the harness in the median, ms"),
                column("harness_share", DoubleType, "harness_ms / median_ms"),
                column("energy_mj", DoubleType, "energy of one forward pass in mJ, where a benchmark gives it"),
                column("engine", StringType, "inference engine and version"),
                column("cpu_model", StringType, "CPU model of the executor's host"),
                column("cpu_cores", IntegerType, "logical cores of the executor's host"),
                column("os", StringType, "operating system and kernel"),
                column("jvm", StringType, "JVM vendor and version"),
                column("host", StringType, "executor host name"),
                column("source", StringType, "measured, or imported:<file> for benchmark tables"),
                column("status", StringType, "ok, or failed with the error"),
                column("error", StringType, "why the candidate failed"),
                column("run_id", StringType, "run that wrote the row"),
                column("measured_at", TimestampType, "when the row was written"),
            }),
            List.of("id", "input_size", "classes", "device", "protocol"),
            "inference latency per candidate, device and protocol");

    /**
     * One row per candidate, task and training recipe: test accuracy after training, measured by
     * this project or imported from a benchmark table.
     */
    public static final TableSchema ACCURACY = new TableSchema(
            "accuracy",
            1,
            new StructType(new StructField[] {
                key("id", StringType, "candidate id, as in architectures"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                key("task", StringType, "dataset and class subset the network was trained on"),
                key("recipe", StringType, "training recipe label, or imported for benchmark rows"),
                column("space", StringType, "search space name"),
                column("epochs", IntegerType, "training epochs"),
                column("seed", LongType, "training seed"),
                column("top1", DoubleType, "top-1 test accuracy, percent"),
                column("top5", DoubleType, "top-5 test accuracy, percent"),
                column("train_seconds", DoubleType, "wall time of training"),
                column("source", StringType, "trained, or imported:<file> for benchmark tables"),
                column("status", StringType, "ok, or failed with the error"),
                column("error", StringType, "why the candidate failed"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("id", "input_size", "classes", "task", "recipe"),
            "test accuracy per candidate, task and training recipe");

    /** One row per trained predictor: what it was fit on, how, and how well it does on unseen rows. */
    public static final TableSchema PREDICTORS = new TableSchema(
            "predictors",
            1,
            new StructType(new StructField[] {
                key("predictor_id", StringType, "unique id of the predictor"),
                column("target", StringType, "latency or accuracy"),
                column("model", StringType, "mlp, gnn, lut or gbt (train-predictor); maml-init (meta-pretrain);"
                        + " maml, target-only, source-only or fine-tune (meta-adapt)"),
                column("space", StringType, "search space it reads"),
                column("space_version", IntegerType, "search space version it reads"),
                column("grp", StringType, "device or task group it was fit on"),
                column("hyper_parameters", StringType, "model settings, key=value pairs"),
                column("train_rows", LongType, "rows it was fit on"),
                column("test_rows", LongType, "unseen rows it was judged on"),
                column("split", StringType, "how the rows were split"),
                column("seed", LongType, "seed of the split and the fit"),
                column("rmse", DoubleType, "root mean squared error on the unseen rows"),
                column("mae", DoubleType, "mean absolute error"),
                column("mape", DoubleType, "mean absolute percentage error, percent"),
                column("kendall_tau", DoubleType, "Kendall rank correlation"),
                column("spearman_rho", DoubleType, "Spearman rank correlation"),
                column("within_5pct", DoubleType, "share of predictions within 5 % of the truth"),
                column("within_10pct", DoubleType, "share of predictions within 10 % of the truth"),
                column("path", StringType, "model files"),
                column("run_id", StringType, "run that trained it"),
                column("created_at", TimestampType, "when it was trained"),
            }),
            List.of("predictor_id"),
            "trained latency and accuracy predictors with their held-out metrics");

    /** One row per predictor and candidate: the predicted value. */
    public static final TableSchema PREDICTIONS = new TableSchema(
            "predictions",
            1,
            new StructType(new StructField[] {
                key("predictor_id", StringType, "predictor that made the prediction"),
                key("id", StringType, "candidate id"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                column("space", StringType, "search space name"),
                column("target", StringType, "latency or accuracy"),
                column("predicted", DoubleType, "predicted latency in ms, or accuracy in percent"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("predictor_id", "id", "input_size", "classes"),
            "predictions of stored predictors for stored candidates");

    /** One row per candidate, task and recipe trained by {@code score}: how the run went. */
    public static final TableSchema TRAINING_RUNS = new TableSchema(
            "training_runs",
            1,
            new StructType(new StructField[] {
                key("id", StringType, "candidate id, as in architectures"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                key("task", StringType, "dataset the network was trained on"),
                key("recipe", StringType, "training recipe label: optimizer, schedule, epochs, batch, images, seed"),
                column("space", StringType, "search space name"),
                column("epochs", IntegerType, "training epochs"),
                column("batch", IntegerType, "images per step"),
                column("images", IntegerType, "training images per epoch"),
                column("steps", IntegerType, "optimizer steps taken"),
                column("init_seed", LongType, "seed of the initial weights: the recipe's seed mixed with the id"),
                column("threads", IntegerType, "intra-op threads of the task"),
                column("first_loss", DoubleType, "mean loss of the first epoch"),
                column("final_loss", DoubleType, "mean loss of the last epoch"),
                column("diverged_epoch", IntegerType, "epoch whose loss first was not finite, if diverged"),
                column("train_seconds", DoubleType, "wall time of the training epochs"),
                column("images_per_second", DoubleType, "training throughput"),
                column("host", StringType, "executor host name"),
                column("status", StringType, "ok, diverged, or failed with the error"),
                column("error", StringType, "why the candidate failed or diverged"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("id", "input_size", "classes", "task", "recipe"),
            "short training runs of candidates, one per candidate, task and recipe");

    /** One row per training run, epoch and batch: the loss BTE and TSE are computed from. */
    public static final TableSchema BATCH_LOSSES = new TableSchema(
            "batch_losses",
            1,
            new StructType(new StructField[] {
                key("id", StringType, "candidate id"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                key("task", StringType, "dataset"),
                key("recipe", StringType, "training recipe label"),
                key("epoch", IntegerType, "epoch, from 1"),
                key("batch", IntegerType, "batch within the epoch, from 0; the same images in every epoch"),
                column("loss", DoubleType, "mean cross-entropy of the batch before its step"),
                column("run_id", StringType, "run that wrote the row"),
            }),
            List.of("id", "input_size", "classes", "task", "recipe", "epoch", "batch"),
            "the training loss of every batch of every scoring run");

    /** One row per candidate, task, recipe and proxy: the proxy's value and what it cost. */
    public static final TableSchema PROXY_SCORES = new TableSchema(
            "proxy_scores",
            1,
            new StructType(new StructField[] {
                key("id", StringType, "candidate id"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                key("task", StringType, "dataset"),
                key("recipe", StringType, "training recipe label of the run the proxy came from"),
                key("proxy", StringType, "bte, tse, jacov, params or flops"),
                column("space", StringType, "search space name"),
                column("value", DoubleType, "the proxy as defined"),
                column("score", DoubleType, "the value oriented so that higher predicts higher accuracy"),
                column("seconds", DoubleType, "wall time the proxy cost"),
                column("status", StringType, "ok, or failed (e.g. a constant Jacobian)"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("id", "input_size", "classes", "task", "recipe", "proxy"),
            "accuracy proxies per candidate: BTE, TSE, Jacobian covariance, parameters, FLOPs");

    /** One row per study group and proxy: how well the proxy ranks candidates by accuracy. */
    public static final TableSchema PROXY_STUDY = new TableSchema(
            "proxy_study",
            1,
            new StructType(new StructField[] {
                key("grp", StringType, "group the candidates were ranked within, key=value pairs"),
                key("proxy", StringType, "proxy name"),
                key("proxy_recipe", StringType, "recipe of the scoring runs"),
                key("accuracy_recipe", StringType, "recipe of the accuracy runs"),
                column("candidates", LongType, "candidates with both a proxy score and an accuracy"),
                column("kendall_tau", DoubleType, "Kendall rank correlation of score and top-1"),
                column("tau_low", DoubleType, "lower end of the bootstrap confidence interval of tau"),
                column("tau_high", DoubleType, "upper end"),
                column("spearman_rho", DoubleType, "Spearman rank correlation of score and top-1"),
                column("rho_low", DoubleType, "lower end of the bootstrap confidence interval of rho"),
                column("rho_high", DoubleType, "upper end"),
                column("confidence", DoubleType, "confidence level of the intervals"),
                column("resamples", IntegerType, "bootstrap resamples"),
                column("seed", LongType, "seed of the resampling"),
                column("seconds_per_candidate", DoubleType, "mean cost of the proxy per candidate"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("grp", "proxy", "proxy_recipe", "accuracy_recipe"),
            "rank correlation of each proxy with trained accuracy, with bootstrap intervals");

    /** One row per search: the arguments that define it, checked when it is resumed. */
    public static final TableSchema SEARCHES = new TableSchema(
            "searches",
            1,
            new StructType(new StructField[] {
                key("search_id", StringType, "name of the search, given by --search-id"),
                column("space", StringType, "search space name"),
                column("strategy", StringType, "evolution, aging, nsga2 or random"),
                column("fitness", StringType, "what is maximised: accuracy, proxy:bte, ..."),
                column("definition", StringType, "every option that shapes the search, key=value, sorted"),
                column("seed", LongType, "search seed; generation g draws from (seed, g)"),
                column("run_id", StringType, "run that started the search"),
                column("created_at", TimestampType, "when the search started"),
            }),
            List.of("search_id"),
            "searches and the arguments that define them");

    /**
     * One row per search, generation and candidate: the candidates evaluated in that generation
     * and the population after it. A generation is written in one commit, so a stored
     * generation is complete and a search resumes after the last one.
     */
    public static final TableSchema SEARCH_GENERATIONS = new TableSchema(
            "search_generations",
            1,
            new StructType(new StructField[] {
                key("search_id", StringType, "search the row belongs to"),
                key("generation", IntegerType, "generation, from 1"),
                key("id", StringType, "candidate id"),
                column("arch", StringType, "architecture string"),
                column("fitness", DoubleType, "the maximised value; null when it could not be had"),
                column("objective2", DoubleType, "second objective of nsga2 (minimised), if any"),
                column("flops", LongType, "multiply-accumulates"),
                column("params", LongType, "trainable parameters"),
                column("latency_ms", DoubleType, "latency the constraint saw, if one was set"),
                column("origin", StringType, "random, mutation or crossover"),
                column("parents", StringType, "parent ids, comma-separated"),
                column("born", IntegerType, "generation the candidate was evaluated in"),
                column("evaluated", BooleanType,
                        "proposed and evaluated in this generation"),
                column("in_population", BooleanType,
                        "member of the population after this generation"),
                column("population_rank", IntegerType, "position in the population (the strategy's order)"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("search_id", "generation", "id"),
            "every generation of every search: evaluated candidates and the population after it");

    /**
     * One row per differentiable search (supernet-search): one Spark task's whole search, keyed
     * by method, target, λ, seed and the hash of everything else that shapes it.
     */
    public static final TableSchema SUPERNET_SEARCHES = new TableSchema(
            "supernet_searches",
            1,
            new StructType(new StructField[] {
                key("search_id", StringType, "method/T<target>/l<lambda>/s<seed>@<definition hash>"),
                column("method", StringType, "lightnas, fixed-lambda, surgenas or sandwich"),
                column("space", StringType, "search space name"),
                column("space_version", IntegerType, "search space version"),
                column("predictor_id", StringType, "latency predictor LAT"),
                column("target_ms", DoubleType, "latency target T, ms"),
                column("lambda_start", DoubleType, "λ at the start (lightnas 0; fixed-lambda: the λ; surgenas: β)"),
                column("seed", LongType, "search seed: weights, Gumbel noise per step"),
                column("definition", StringType, "every other option that shapes the search, key=value, sorted"),
                column("id", StringType, "derived candidate id, as in architectures"),
                column("arch", StringType, "derived architecture"),
                column("input_size", IntegerType, "input resolution the search trained at"),
                column("classes", IntegerType, "classifier outputs"),
                column("predicted_ms", DoubleType, "LAT of the derived network, ms"),
                column("final_lambda", DoubleType, "λ at the end"),
                column("steps", IntegerType, "steps run, in all attempts"),
                column("resumed_from_epoch", IntegerType, "last checkpointed epoch the final attempt started after (0: none)"),
                column("wall_seconds", DoubleType, "wall time of the final attempt"),
                column("status", StringType, "ok or failed"),
                column("error", StringType, "why the search failed"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("search_id"),
            "differentiable searches (LightNAS, fixed λ, SurgeNAS): one row per search with its derived network");

    /** One row per differentiable search and step: how λ, the latency of ᾱ and the losses moved. */
    public static final TableSchema SUPERNET_TRACE = new TableSchema(
            "supernet_trace",
            1,
            new StructType(new StructField[] {
                key("search_id", StringType, "search, as in supernet_searches"),
                key("step", IntegerType, "global step, from 0"),
                column("epoch", IntegerType, "epoch, from 1"),
                column("lambda", DoubleType, "λ after the step"),
                column("temperature", DoubleType, "Gumbel temperature of the step"),
                column("predicted_ms", DoubleType, "LAT(ᾱ) after the step, ms"),
                column("train_loss", DoubleType, "training cross-entropy of the step's path"),
                column("validation_loss", DoubleType, "validation cross-entropy of the α step (lightnas, fixed-lambda, sandwich)"),
                column("alpha_entropy", DoubleType, "mean entropy of softmax(α) over layers, nats"),
                column("arch", StringType, "the architecture ᾱ derives after the step"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("search_id", "step"),
            "every step of every differentiable search: λ, predicted latency, losses, α entropy");

    /** One row per job run: what was asked, with which code and seeds, and what came of it. */
    public static final TableSchema RUNS = new TableSchema(
            "runs",
            1,
            new StructType(new StructField[] {
                key("run_id", StringType, "unique id of the run"),
                column("job", StringType, "job name"),
                column("args", StringType, "the job's arguments as given"),
                column("code_version", StringType, "project version and git commit of the build"),
                column("seed", LongType, "the run's seed, if it takes one"),
                column("master", StringType, "Spark master URL"),
                column("started_at", TimestampType, "start time"),
                column("finished_at", TimestampType, "end time"),
                column("status", StringType, "succeeded or failed"),
                column("rows_written", LongType, "rows the run added to its output table"),
                column("message", StringType, "summary or error"),
            }),
            List.of("run_id"),
            "every job run with its arguments, seeds and outcome");

    /**
     * One row per pipeline and stage: the stage's last run, its status and what later stages
     * reference. A re-run of the pipeline skips a stage whose row succeeded with the same
     * command line.
     */
    public static final TableSchema PIPELINE_STAGES = new TableSchema(
            "pipeline_stages",
            1,
            new StructType(new StructField[] {
                key("pipeline", StringType, "name of the pipeline, from its file"),
                key("stage", StringType, "name of the stage in the file"),
                column("position", IntegerType, "place of the stage in the order the pipeline runs them, from 1"),
                column("job", StringType, "the job the stage runs"),
                column("args", StringType, "the job's command line, references resolved"),
                column("fingerprint", StringType, "hash of the job and its command line"),
                column("status", StringType, "running, succeeded or failed"),
                column("stage_run_id", StringType, "the job's run in runs"),
                column("pipeline_run_id", StringType, "the pipeline job's run in runs"),
                column("outputs", DataTypes.createMapType(StringType, StringType),
                        "what later stages reference: run_id, and a predictor id, search id or analysis name"),
                column("rows_written", LongType, "rows the job added"),
                column("seconds", DoubleType, "wall time of the stage"),
                column("message", StringType, "the job's summary or error"),
                column("started_at", TimestampType, "when the stage started"),
                column("finished_at", TimestampType, "when it ended; null while running"),
            }),
            List.of("pipeline", "stage"),
            "every stage of every pipeline: its run, status and outputs");

    private static final org.apache.spark.sql.types.DataType VALUES =
            org.apache.spark.sql.types.DataTypes.createMapType(StringType, DoubleType);
    private static final org.apache.spark.sql.types.DataType TEXTS =
            org.apache.spark.sql.types.DataTypes.createArrayType(StringType);

    /**
     * Members of the first fronts of each group of a Pareto analysis. An analysis is replaced
     * whole when it is run again, so its rows always come from one run.
     */
    public static final TableSchema PARETO = new TableSchema(
            "pareto",
            1,
            new StructType(new StructField[] {
                key("analysis", StringType, "name of the analysis (--name)"),
                key("grp", StringType, "group: the --group-by columns as col=value, comma-separated, or 'all'"),
                key("id", StringType, "candidate id (or the --id-column value of a file's row)"),
                column("arch", StringType, "architecture string, when the input has one"),
                column("front_rank", IntegerType, "1 = non-dominated; equal points share a rank; 0 = a point beyond the kept"
                        + " fronts, sampled for plots"),
                column("crowding_distance", DoubleType, "NSGA-II crowding distance within its front"),
                column("objective_values", VALUES, "the objectives' values, by column name"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "write time"),
            }),
            List.of("analysis", "grp", "id"),
            "first fronts of Pareto analyses, per group");

    /** One row per analysis and group: front size, hypervolume, knee, budget answers. */
    public static final TableSchema PARETO_SUMMARY = new TableSchema(
            "pareto_summary",
            1,
            new StructType(new StructField[] {
                key("analysis", StringType, "name of the analysis (--name)"),
                key("grp", StringType, "group: the --group-by columns as col=value, or 'all'"),
                column("objectives", StringType, "objectives with their directions, e.g. latency_ms:min,top1:max"),
                column("input_rows", LongType, "rows of the group in the input"),
                column("excluded_rows", LongType, "rows left out for a null or NaN objective"),
                column("front_size", IntegerType, "members of the first front"),
                column("fronts_kept", IntegerType, "fronts written to pareto (--fronts)"),
                column("hypervolume", DoubleType, "of the first front against the reference point, in the objectives' units"),
                column("reference_point", VALUES, "reference point of the hypervolume"),
                column("reference_derived", BooleanType, "true when derived from the front (worst + 10% of range)"),
                column("knee_id", StringType, "the knee of the first front"),
                column("knee", VALUES, "the knee's objective values"),
                column("budgets", TEXTS, "answers to --budget, e.g. 'latency_ms<=5: best top1 71.2'"),
                column("budget_ids", TEXTS, "the candidate answering each budget, in the same order"),
                column("status", StringType, "ok, or empty when no row of the group had every objective"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "write time"),
            }),
            List.of("analysis", "grp"),
            "Pareto analyses per group: front size, hypervolume, knee, budgets");

    /**
     * One row per grafted candidate, device and protocol: what linear reparameterization
     * made of it and how fast the original, grafted and merged networks run. The three
     * latencies are also in {@code latency}: the original under {@code base_id}, the grafted
     * network under {@code id}, the merged one under {@code id} with protocol
     * {@code <protocol>+merged}.
     */
    public static final TableSchema REPARAMETERIZATIONS = new TableSchema(
            "reparameterizations",
            1,
            new StructType(new StructField[] {
                key("id", StringType, "grafted candidate id, as in architectures"),
                key("input_size", IntegerType, "square input resolution in pixels"),
                key("classes", IntegerType, "classifier outputs"),
                key("device", StringType, "device profile label"),
                key("protocol", StringType, "measurement protocol label"),
                column("space", StringType, "grafting space name"),
                column("arch", StringType, "grafting bits, 1 = block kept non-linear"),
                column("base_id", StringType, "id of the original network (every block kept) in the same space"),
                column("blocks", IntegerType, "building blocks of the base"),
                column("grafted_blocks", IntegerType, "blocks grafted"),
                column("linear_before", IntegerType, "convolutions, BatchNorms and bias maps before merging"),
                column("linear_after", IntegerType, "the same after merging"),
                column("refusals", StringType, "where consecutive linear layers were kept apart, and why"),
                column("largest_error", DoubleType, "largest |merged - grafted| output on a random batch, with"
                        + " random trained-like weights and BatchNorm statistics"),
                column("largest_output", DoubleType, "largest |grafted| output on that batch, for scale"),
                column("original_ms", DoubleType, "median latency of the original network, ms"),
                column("grafted_ms", DoubleType, "median latency of the grafted network before merging, ms"),
                column("merged_ms", DoubleType, "median latency of the merged network, ms"),
                column("speedup", DoubleType, "original_ms / merged_ms"),
                column("merge_speedup", DoubleType, "grafted_ms / merged_ms: what merging alone gives"),
                column("status", StringType, "ok or failed"),
                column("error", StringType, "why the candidate failed"),
                column("run_id", StringType, "run that wrote the row"),
                column("created_at", TimestampType, "when the row was written"),
            }),
            List.of("id", "input_size", "classes", "device", "protocol"),
            "grafted candidates merged by linear reparameterization, with original, grafted and merged latency");

    /** All tables, in the order help texts list them. */
    public static List<TableSchema> all() {
        return List.of(ARCHITECTURES, LATENCY, ACCURACY, PREDICTORS, PREDICTIONS, TRAINING_RUNS, BATCH_LOSSES,
                PROXY_SCORES, PROXY_STUDY, SEARCHES, SEARCH_GENERATIONS, SUPERNET_SEARCHES, SUPERNET_TRACE, PARETO, PARETO_SUMMARY, REPARAMETERIZATIONS,
                PIPELINE_STAGES, RUNS);
    }

    /** The table called {@code name}, if the project has one. */
    public static Optional<TableSchema> byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static StructField key(String name, DataType type, String comment) {
        return new StructField(name, type, false, Metadata.empty()).withComment(comment);
    }

    private static StructField column(String name, DataType type, String comment) {
        return new StructField(name, type, true, Metadata.empty()).withComment(comment);
    }
}
