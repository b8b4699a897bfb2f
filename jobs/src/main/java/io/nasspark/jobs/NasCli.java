package io.nasspark.jobs;

import io.nasspark.jobs.demo.DemoJob;
import io.nasspark.jobs.describe.DescribeJob;
import io.nasspark.jobs.imports.ImportTableJob;
import io.nasspark.jobs.bench.SearchComparisonCommand;
import io.nasspark.jobs.bench.TrainerThroughputCommand;
import io.nasspark.jobs.cli.CatalogFailure;
import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.latency.MeasureLatencyJob;
import io.nasspark.jobs.meta.MetaAdaptJob;
import io.nasspark.jobs.meta.MetaPretrainJob;
import io.nasspark.jobs.search.EvolveJob;
import io.nasspark.jobs.train.GeneratePairsJob;
import io.nasspark.jobs.train.ProxyStudyJob;
import io.nasspark.jobs.train.ScoreJob;
import io.nasspark.jobs.train.TrainAccuracyJob;
import io.nasspark.jobs.predict.CompareDevicesJob;
import io.nasspark.jobs.predict.PredictJob;
import io.nasspark.jobs.predict.TrainPredictorJob;
import io.nasspark.jobs.sample.SampleJob;
import io.nasspark.jobs.sql.SqlJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The {@code nas} command: one entry point for every job, locally and under spark-submit. */
@Command(name = "nas",
        description = "Hardware-aware neural architecture search as Spark batch jobs.",
        mixinStandardHelpOptions = true,
        version = "nas 0.1.0",
        subcommands = {SampleJob.class, io.nasspark.jobs.pareto.ParetoJob.class, io.nasspark.jobs.report.ReportJob.class, ImportTableJob.class, MeasureLatencyJob.class, io.nasspark.jobs.compress.ReparameterizeJob.class, ScoreJob.class, TrainAccuracyJob.class, GeneratePairsJob.class, MetaPretrainJob.class, MetaAdaptJob.class, ProxyStudyJob.class, EvolveJob.class, io.nasspark.jobs.search.SupernetSearchJob.class, TrainPredictorJob.class, PredictJob.class, CompareDevicesJob.class, io.nasspark.jobs.predict.LatencyNoiseJob.class, SqlJob.class, io.nasspark.jobs.maintain.MaintainJob.class, DescribeJob.class, io.nasspark.jobs.pipeline.PipelineJob.class, DemoJob.class, TrainerThroughputCommand.class, SearchComparisonCommand.class, io.nasspark.jobs.bench.ConvolutionRoutesCommand.class, io.nasspark.jobs.bench.ParetoScaleCommand.class, io.nasspark.jobs.bench.SupernetMemoryCommand.class, io.nasspark.jobs.bench.TransformSpeedCommand.class, io.nasspark.jobs.bench.CatalogCommitsCommand.class, HelpCommand.class})
public final class NasCli implements Runnable {

    /** Exit code for bad input: an option, argument or file the user can fix. */
    public static final int BAD_INPUT = 2;
    /** Exit code for a job that failed for another reason. */
    public static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "no job given");
    }

    /** The command line with the project's error handling. */
    public static CommandLine commandLine() {
        return new CommandLine(new NasCli())
                .setExecutionExceptionHandler(NasCli::onError)
                .setParameterExceptionHandler(NasCli::onBadParameter);
    }

    /**
     * Runs another job in the running session (it finds and reuses it) on the tables
     * {@code tables}, and returns what it printed on stdout.
     *
     * @param err where the job's stderr goes; null to capture it with stdout
     * @throws IllegalStateException when the job fails, with the captured output if any
     */
    public static String runInSession(String tables, PrintWriter err, String... args) {
        return runStage(tables, err, args).stdout();
    }

    /**
     * What a job run by {@link #runStage} printed, named for later work and added to its output
     * table (null for a command that is not a Spark job).
     */
    public record Ran(String stdout, Map<String, String> outputs, Long rowsWritten) {}

    /**
     * {@link #runInSession}, returning besides the job's stdout the outputs it named
     * ({@link SparkJob#outputs()}; empty for a command that is not a Spark job) and its rows.
     */
    public static Ran runStage(String tables, PrintWriter err, String... args) {
        StringWriter out = new StringWriter();
        PrintWriter captured = new PrintWriter(out, true);
        String[] withTables = java.util.Arrays.copyOf(args, args.length + 2);
        withTables[args.length] = "--tables";
        withTables[args.length + 1] = tables;
        CommandLine cli = commandLine().setOut(captured).setErr(err == null ? captured : err);
        int code = cli.execute(withTables);
        captured.flush();
        if (code != 0) {
            throw new IllegalStateException(args[0] + " failed (exit " + code + ")" + (err == null ? ":\n" + out : ""));
        }
        Object job = cli.getSubcommands().get(args[0]).getCommand();
        return job instanceof SparkJob s ? new Ran(out.toString(), s.outputs(), s.rowsWritten())
                : new Ran(out.toString(), Map.of(), null);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    private static int onBadParameter(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(prefix(cmd) + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
                + " --help')");
        err.flush();
        return BAD_INPUT;
    }

    private static int onError(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        boolean badInput = isBadInput(e);
        err.println(prefix(cmd) + (badInput ? "" : "failed: ") + firstLine(rootMessage(e)));
        if (verbose(parsed)) {
            e.printStackTrace(err);
        }
        err.flush();
        return badInput ? BAD_INPUT : FAILED;
    }

    /** Errors the user can fix: bad options, strings, SQL (Spark's parse errors included). */
    private static boolean isBadInput(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof AnalysisException;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !isBadInput(t) && !(t instanceof CatalogFailure)) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static String firstLine(String message) {
        String line = message.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl);
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }

    private static boolean verbose(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return leaf.hasMatchedOption("--verbose");
    }
}
