package io.nasspark.jobs.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every job takes: where the tables are, and how to reach Spark. */
public final class SparkOptions {

    @Option(names = "--tables", paramLabel = "DIR", defaultValue = "tables",
            description = "Warehouse of the project's Iceberg catalog: a local directory for the"
                    + " embedded catalog, or any URI a configured catalog takes"
                    + " (default: ${DEFAULT-VALUE}).")
    String tables;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master URL (default: local[*], or what spark-submit set).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "A Spark setting, such as spark.executor.memory=4g; repeatable.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    /** The warehouse as given: a local path, or a URI such as hdfs://nn/nas/tables. */
    public String tables() {
        return tables;
    }

    public String master() {
        return master;
    }

    public Map<String, String> conf() {
        return conf;
    }

    public boolean verbose() {
        return verbose;
    }

    /** Options for code that runs jobs without a command line (tests, the demo). */
    public static SparkOptions of(Path tables, String master, Map<String, String> conf) {
        SparkOptions o = new SparkOptions();
        o.tables = tables.toString();
        o.master = master;
        o.conf = new LinkedHashMap<>(conf);
        return o;
    }
}
