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

    @Option(names = "--limit", paramLabel = "N",
            description = "Print at most N rows; 0 prints all (default: all rows for csv and json, "
                    + TABLE_LIMIT + " for table, which then says how many there are).")
    Integer limit;

    static final int TABLE_LIMIT = 1000;

    @Override
    public Integer call() {
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("--limit must be 0 or more, got " + limit);
        }
        // an export that drops rows unasked is lost data: only the table for people has a default limit
        int rows = limit != null ? limit : format == TablePrinter.Format.table ? TABLE_LIMIT : 0;
        return SparkSessions.using(sparkOptions, "nas sql", spark -> {
            TablePrinter.print(spark.sql(query), format, rows, spec.commandLine().getOut());
            return 0;
        });
    }
}
