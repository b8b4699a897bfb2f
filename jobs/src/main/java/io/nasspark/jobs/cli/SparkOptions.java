package io.nasspark.jobs.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

    @Option(names = "--profile", paramLabel = "FILE",
            description = "Spark settings from a properties file (a catalog's, as"
                    + " cluster-conf/catalog.sh writes); repeatable, later files and --conf win.")
    List<Path> profiles = new ArrayList<>();

    /** {@link #conf()} once the profiles are read. */
    private Map<String, String> withProfiles;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    /** The warehouse as given: a local path, or a URI such as hdfs://nn/nas/tables. */
    public String tables() {
        return tables;
    }

    public String master() {
        return master;
    }

    /**
     * The settings of the {@code --profile} files in order, then {@code --conf}'s over them. The
     * files are read once, so a job sees one set of settings however often it asks.
     */
    public Map<String, String> conf() {
        if (profiles.isEmpty()) {
            return conf;
        }
        if (withProfiles == null) {
            Map<String, String> all = new LinkedHashMap<>();
            profiles.forEach(file -> all.putAll(readProfile(file)));
            all.putAll(conf);
            withProfiles = all;
        }
        return withProfiles;
    }

    private static Map<String, String> readProfile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("--profile " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted()
                .forEach(key -> settings.put(key, properties.getProperty(key).trim()));
        return settings;
    }

    public boolean verbose() {
        return verbose;
    }

    /** Options for code that runs jobs without a command line (tests, the demo). */
    public static SparkOptions of(Path tables, String master, Map<String, String> conf) {
        return of(tables.toString(), master, conf, List.of());
    }

    /**
     * {@link #of(Path, String, Map)} for a warehouse URI (hdfs://…), which a Path would mangle,
     * with {@code --profile} files.
     */
    public static SparkOptions of(String tables, String master, Map<String, String> conf, List<Path> profiles) {
        SparkOptions o = new SparkOptions();
        o.tables = tables;
        o.master = master;
        o.conf = new LinkedHashMap<>(conf);
        o.profiles = new ArrayList<>(profiles);
        return o;
    }
}
