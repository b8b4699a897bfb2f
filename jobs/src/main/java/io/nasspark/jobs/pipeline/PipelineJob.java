package io.nasspark.jobs.pipeline;

import io.nasspark.jobs.NasCli;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.SparkSessions;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.jobs.contract.IdsFiles;
import io.nasspark.jobs.pipeline.ChosenNetworks.Chosen;
import io.nasspark.jobs.pipeline.PipelineFile.Stage;
import io.nasspark.jobs.pipeline.StageRecords.Started;
import io.nasspark.jobs.pipeline.StageRecords.Stored;
import io.nasspark.util.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas pipeline}: the stages of a pipeline file, one job each, run in this driver on one
 * session. A stage whose stored row succeeded with the same command line is skipped; an
 * unfinished one runs again and its job, keyed like every job, does only what is missing.
 */
@Command(name = "pipeline",
        description = "Run a pipeline file (YAML): its stages, each a job with its options, in one driver. A re-run"
                + " skips the stages that finished and resumes the one that did not.",
        mixinStandardHelpOptions = true)
public final class PipelineJob extends SparkJob {

    /** Built-in pipeline files, in the jar under {@code pipelines/}. */
    static final List<String> BUILT_IN = List.of("demo", "laptop", "cluster");

    @Option(names = "--file", required = true, paramLabel = "FILE",
            description = "The pipeline file, or a built-in one by name: demo, laptop, cluster.")
    String file;

    static final class Selection {
        @Option(names = "--from", paramLabel = "STAGE",
                description = "Run this stage and every later one again, finished or not; earlier ones are not run.")
        String from;

        @Option(names = "--only", paramLabel = "STAGE", description = "Run this stage alone, finished or not.")
        String only;
    }

    @ArgGroup(exclusive = true)
    Selection selection = new Selection();

    @Option(names = "--dry-run", description = "Print each stage's command line and whether it would run; run nothing.")
    boolean dryRun;

    private PipelinePlan plan;
    private List<Stage> selected;

    @Override
    protected void validate() {
        plan = PipelinePlan.of(load(file));
        selected = plan.select(selection.from, selection.only);
    }

    /** The file at {@code name}, else the built-in pipeline of that name. */
    static PipelineFile load(String name) {
        Path path = Path.of(name);
        if (Files.exists(path) || !BUILT_IN.contains(name)) {
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("--file " + name + ": no such file, and not a built-in pipeline ("
                        + String.join(", ", BUILT_IN) + ")");
            }
            return PipelineFile.read(path);
        }
        String resource = "/pipelines/" + name + ".yaml";
        try (InputStream in = PipelineJob.class.getResourceAsStream(resource)) {
            return PipelineFile.parse("built-in " + name + ".yaml", new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        String pipeline = plan.file().name();
        StageRecords records = new StageRecords(spark, pipeline);
        Map<String, Stored> stored = records.stored();
        Map<String, Map<String, String>> outputs = new HashMap<>();
        stored.forEach((stage, s) -> outputs.put(stage, s.outputs()));
        List<Row> report = new ArrayList<>();
        for (int i = 0; i < plan.ordered().size(); i++) {
            Stage stage = plan.ordered().get(i);
            if (selected.contains(stage)) {
                Row row = runStage(spark, runId, records, i, stored.get(stage.name()), outputs);
                if (row != null) {
                    report.add(row);
                }
            }
        }
        if (dryRun) {
            return new Outcome(0, "pipeline " + pipeline + ": dry run, nothing ran");
        }
        List<Row> ran = report.stream().filter(r -> "ran".equals(r.getString(2))).toList();
        long rows = ran.stream().mapToLong(r -> r.isNullAt(3) ? 0 : r.getLong(3)).sum();
        return new Outcome(rows, summary(spark, pipeline, ran.size(), report, outputs));
    }

    /**
     * Runs the {@code index}-th stage unless it finished before with the same command line, and
     * returns its line of the summary (null on a dry run). Its outputs go into {@code outputs}.
     */
    private Row runStage(SparkSession spark, String runId, StageRecords records, int index, Stored before,
            Map<String, Map<String, String>> outputs) {
        Stage stage = plan.ordered().get(index);
        String pipeline = plan.file().name();
        String position = String.format(Locale.ROOT, "[%d/%d] %s (%s)", index + 1, plan.ordered().size(),
                stage.name(), stage.job());
        List<String> args = PipelinePlan.commandLine(stage, pipeline,
                (name, output) -> resolve(spark, pipeline, outputs, name, output));
        String fingerprint = Hashing.id128("pipeline-stage", String.join("\u0000", args));
        boolean done = before != null && StageRecords.SUCCEEDED.equals(before.status())
                && fingerprint.equals(before.fingerprint());
        boolean forced = selection.from != null || selection.only != null;
        PrintWriter err = spec.commandLine().getErr();
        if (dryRun) {
            err.println(position + (done && !forced ? " done, would be skipped" : " would run") + ": nas "
                    + String.join(" ", args));
            return null;
        }
        if (done && !forced) {
            err.println(position + ": done already (finished " + before.finishedAt() + "), skipped");
            return RowFactory.create(stage.name(), stage.job(), "skipped: done before", null, null);
        }
        err.println(position + ": nas " + String.join(" ", args));
        err.flush();
        Started started = new Started(stage.name(), index + 1, stage.job(), String.join(" ", args), fingerprint,
                runId, Timestamp.from(Instant.now()));
        records.running(started);
        NasCli.Ran result;
        try {
            result = NasCli.runStage(sparkOptions.tables(), err, args.toArray(String[]::new));
        } catch (RuntimeException e) {
            records.failed(started, e.getMessage());
            // Without the cause: the job printed its own error already, and the command line reports the root's.
            throw new IllegalStateException("stage " + stage.name() + " (" + stage.job() + ") failed: "
                    + e.getMessage() + "; run the pipeline again to resume it (finished stages are skipped)");
        }
        Long written = result.rowsWritten();
        String summary = result.stdout().strip();
        records.succeeded(started, result.outputs(), written, summary);
        outputs.put(stage.name(), result.outputs());
        err.println(summary);
        return RowFactory.create(stage.name(), stage.job(), "ran", written, String.format(Locale.ROOT, "%.1f",
                (System.currentTimeMillis() - started.startedAt().getTime()) / 1e3));
    }

    /** The value of {@code ${stage.output}}: a stored or fresh output, or the file of a search's chosen ids. */
    private String resolve(SparkSession spark, String pipeline, Map<String, Map<String, String>> outputs,
            String stage, String output) {
        Stage target = plan.file().stage(stage).orElseThrow();
        Map<String, String> of = outputs.get(stage);
        String name = output == null ? StageOutputs.main(target.job()) : output;
        String key = name.equals(StageOutputs.CHOSEN) ? "search_id" : name;
        if (of == null || !of.containsKey(key)) {
            if (dryRun) {
                return "${" + stage + (output == null ? "" : "." + output) + "}";
            }
            throw new IllegalArgumentException("stage " + stage + " has not run yet, so ${" + stage
                    + (output == null ? "" : "." + output) + "} has no value; run the pipeline without --only/--from"
                    + " first");
        }
        return name.equals(StageOutputs.CHOSEN) ? chosenFile(spark, pipeline, stage, of.get(key)) : of.get(key);
    }

    /**
     * Writes the chosen ids of a search to a file named by its content, so a stage reading it
     * sees a new command line (and runs again) exactly when the choice changed.
     */
    private static String chosenFile(SparkSession spark, String pipeline, String stage, String searchId) {
        List<String> ids = ChosenNetworks.ids(spark, searchId);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("search " + searchId + " of stage " + stage + " has no population");
        }
        Path dir = SparkSessions.LOCAL_DIR.toAbsolutePath().getParent().resolve("pipelines").resolve(pipeline);
        return IdsFiles.write(dir, stage + "-chosen-", ids).toString();
    }

    private String summary(SparkSession spark, String pipeline, int ran, List<Row> stages,
            Map<String, Map<String, String>> outputs) {
        StringBuilder s = new StringBuilder();
        s.append(ran == 0 ? "pipeline " + pipeline + ": every stage had finished before; nothing to run.\n"
                : String.format(Locale.ROOT, "pipeline %s: %d of %d stage(s) ran.%n", pipeline, ran, stages.size()));
        s.append(TablePrinter.table(new String[] {"stage", "job", "this run", "rows", "seconds"}, stages));
        List<String> analyses = plan.ordered().stream().filter(st -> st.job().equals("pareto"))
                .map(st -> outputs.getOrDefault(st.name(), Map.of()).get("analysis")).filter(a -> a != null).toList();
        for (Stage st : plan.ordered()) {
            String searchId = outputs.getOrDefault(st.name(), Map.of()).get("search_id");
            if (st.job().equals("evolve") && searchId != null) {
                s.append("\nChosen by ").append(st.name()).append(" (").append(searchId).append("), best first:\n");
                s.append(chosenTable(ChosenNetworks.of(spark, searchId, analyses)));
            }
        }
        for (Stage st : plan.ordered()) {
            String out = outputs.getOrDefault(st.name(), Map.of()).get("out");
            if (st.job().equals("report") && out != null) {
                s.append("\nReport: ").append(Path.of(out).toAbsolutePath().resolve("index.html")).append('\n');
            }
        }
        return s.toString().stripTrailing();
    }

    private static String chosenTable(List<Chosen> chosen) {
        List<Row> rows = new ArrayList<>();
        for (Chosen c : chosen) {
            rows.add(RowFactory.create(c.id().substring(0, 12), c.arch(), number(c.fitness(), "%.4f"),
                    number(c.searchedMs(), "%.3f"), number(c.measuredP10Ms(), "%.3f"),
                    number(c.measuredMedianMs(), "%.3f"), number(c.top1(), "%.2f"),
                    c.onFront() == null ? "" : c.onFront() ? "yes" : "no"));
        }
        return TablePrinter.table(new String[] {"id", "arch", "fitness", "searched_ms", "p10_ms", "median_ms", "top1",
            "on_front"}, rows);
    }

    private static String number(Double v, String format) {
        return v == null ? "" : String.format(Locale.ROOT, format, v);
    }
}
