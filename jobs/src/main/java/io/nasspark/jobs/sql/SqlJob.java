package io.nasspark.jobs.sql;

import io.nasspark.jobs.cli.SparkOptions;
import io.nasspark.jobs.cli.SparkSessions;
import io.nasspark.jobs.cli.TablePrinter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nas sql}: Spark SQL over the project's tables, each under its own name. */
@Command(name = "sql",
        description = "Run Spark SQL over the tables (each under its name, e.g. architectures,"
                + " runs, architectures.snapshots) and print the result.",
        mixinStandardHelpOptions = true)
public final class SqlJob implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL statement.")
    String query;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, csv or json (one object per line) (default: ${DEFAULT-VALUE}).")
    TablePrinter.Format format;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Print at most N rows; 0 prints all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be 0 or more, got " + limit);
        }
        return SparkSessions.using(sparkOptions, "nas sql", spark -> {
            TablePrinter.print(spark.sql(query), format, limit, spec.commandLine().getOut());
            return 0;
        });
    }
}
