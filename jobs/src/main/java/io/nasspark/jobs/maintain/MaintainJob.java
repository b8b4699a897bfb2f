package io.nasspark.jobs.maintain;

import io.nasspark.jobs.cli.SparkJob;
import io.nasspark.jobs.cli.TablePrinter;
import io.nasspark.schema.IcebergCatalog;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nas maintain}: every keyed merge leaves a snapshot, a manifest and small data files
 * behind, and a write that died leaves files no snapshot names. This runs Iceberg's own Spark
 * procedures over the tables, in the order that frees the most: compact small data files and
 * manifests ({@code rewrite_data_files}, {@code rewrite_manifests}), then expire old snapshots
 * ({@code expire_snapshots}, which deletes the files only they still name), then remove orphan
 * files (Iceberg's orphan-file action: its procedure refuses ages under a day, which this job
 * takes with a warning). {@code --dry-run} lists what would go and changes nothing.
 */
@Command(name = "maintain",
        description = "Table maintenance with Iceberg's Spark procedures: compact small data files and"
                + " manifests, expire old snapshots, remove orphan files; --dry-run lists what would"
                + " be done and changes nothing.",
        mixinStandardHelpOptions = true)
public final class MaintainJob extends SparkJob {

    @Option(names = "--table", paramLabel = "NAME", split = ",",
            description = "Tables to maintain (default: every table of the catalog).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--expire-older-than", paramLabel = "AGE", defaultValue = "7d",
            description = "Expire snapshots older than this (30m, 12h, 7d; default: ${DEFAULT-VALUE}).")
    String expireOlderThan;

    @Option(names = "--retain-last", paramLabel = "N", defaultValue = "5",
            description = "Snapshots kept whatever their age (default: ${DEFAULT-VALUE}).")
    int retainLast;

    @Option(names = "--orphans-older-than", paramLabel = "AGE", defaultValue = "3d",
            description = "Remove files no snapshot names once older than this (default: ${DEFAULT-VALUE})."
                    + " A write in flight has such files: keep this above the longest job.")
    String orphansOlderThan;

    @Option(names = "--skip", paramLabel = "STEP", split = ",",
            description = "Steps to leave out: compact, expire, orphans.")
    List<Step> skip = new ArrayList<>();

    @Option(names = "--dry-run", description = "List what would be compacted, expired and removed; change nothing.")
    boolean dryRun;

    /** The steps, in the order they run. */
    enum Step { compact, expire, orphans }

    private Duration expireAge;
    private Duration orphanAge;

    @Override
    protected void validate() {
        expireAge = age("--expire-older-than", expireOlderThan);
        orphanAge = age("--orphans-older-than", orphansOlderThan);
        if (orphanAge.compareTo(Duration.ofDays(1)) < 0 && !skip.contains(Step.orphans)) {
            spec.commandLine().getErr().println("maintain: --orphans-older-than " + orphansOlderThan + " is under a day: the files"
                    + " of a write in flight are orphans until it commits, so run this only while no job writes");
        }
        if (retainLast < 1) {
            throw new IllegalArgumentException("--retain-last must be 1 or more (the current snapshot), got " + retainLast);
        }
    }

    @Override
    protected void validate(SparkSession spark) {
        List<String> stored = storedTables(spark);
        for (String table : tables) {
            if (!stored.contains(table)) {
                throw new IllegalArgumentException("--table " + table + ": no such table (tables: "
                        + String.join(", ", stored) + ")");
            }
        }
        if (tables.isEmpty()) {
            tables = stored;
        }
    }

    @Override
    protected Long seed() {
        return null;
    }

    @Override
    protected Outcome run(SparkSession spark, String runId) {
        Instant now = Instant.now();
        Timestamp expireBefore = Timestamp.from(now.minus(expireAge));
        Timestamp orphanBefore = Timestamp.from(now.minus(orphanAge));
        List<Row> report = new ArrayList<>();
        long orphansTotal = 0;
        for (String table : tables) {
            TableHealth before = TableHealth.of(spark, table);
            TableMaintenance maintenance = new TableMaintenance(spark, table, dryRun);
            long compacted = skip.contains(Step.compact) ? 0 : maintenance.compact();
            long expired = skip.contains(Step.expire) ? 0 : maintenance.expire(expireBefore, retainLast);
            List<String> orphans = skip.contains(Step.orphans) ? List.of() : maintenance.removeOrphans(orphanBefore);
            orphansTotal += orphans.size();
            if (dryRun) {
                orphans.stream().limit(20).forEach(f -> spec.commandLine().getOut().println("  orphan: " + f));
            }
            TableHealth after = dryRun ? before : TableHealth.of(spark, table);
            report.add(RowFactory.create(table, before.snapshots() + " -> " + after.snapshots(),
                    before.dataFiles() + " -> " + after.dataFiles(), before.deleteFiles() + " -> " + after.deleteFiles(),
                    before.manifests() + " -> " + after.manifests(), before.megabytes() + " -> " + after.megabytes(),
                    compacted, expired, orphans.size()));
        }
        String verb = dryRun ? "would " : "";
        spec.commandLine().getOut().println(TablePrinter.table(new String[] {"table", "snapshots", "data files",
                "delete files", "manifests", "MB", verb + "compact", verb + "expire", verb + "remove orphans"}, report));
        return new Outcome(0, String.format(Locale.ROOT, "maintain%s: %d tables; snapshots expired before %s"
                + " (keeping the last %d), orphans older than %s: %d%s", dryRun ? " (dry run, nothing changed)" : "",
                tables.size(), expireBefore, retainLast, orphanBefore, orphansTotal, dryRun ? " found" : " removed"));
    }

    private static List<String> storedTables(SparkSession spark) {
        return spark.sql("SHOW TABLES IN " + IcebergCatalog.NAME + "." + IcebergCatalog.NAMESPACE)
                .collectAsList().stream().map(r -> r.getString(1)).sorted().toList();
    }

    private static final Pattern AGE = Pattern.compile("(\\d+)([smhd])");

    /** A duration such as 30m, 12h or 7d. */
    static Duration age(String option, String value) {
        Matcher m = AGE.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " must be a number with s, m, h or d (such as 7d), got " + value);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
