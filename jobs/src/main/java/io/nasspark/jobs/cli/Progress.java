package io.nasspark.jobs.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Reports a long job's progress on stderr every few seconds: items done of the total, rate and
 * time left. Jobs feed it from a Spark accumulator, which the driver sees as tasks finish.
 * Short jobs print nothing: the first line comes after one period.
 */
public final class Progress implements AutoCloseable {

    /** Time between two progress lines. */
    public static final Duration PERIOD = Duration.ofSeconds(5);

    private final ScheduledExecutorService timer;

    private Progress(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts reporting; close to stop. */
    public static Progress start(
            String label, long total, String unit, LongSupplier done, PrintWriter err) {
        long start = System.nanoTime();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nas-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            err.println(line(label, Math.min(done.getAsLong(), total), total, unit,
                    (System.nanoTime() - start) / 1e9));
            err.flush();
        }, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return new Progress(timer);
    }

    /** One progress line, e.g. {@code sample: 40,000/100,000 candidates (40%), 8,000/s, ~8 s left}. */
    static String line(String label, long done, long total, String unit, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        String left = done == 0 || rate == 0
                ? "time left unknown"
                : done >= total ? "writing" : "~" + duration((total - done) / rate) + " left";
        // Training jobs finish a few candidates a minute: keep their rate readable.
        String perSecond = String.format(Locale.ROOT, rate < 10 ? "%.2f/s" : "%,.0f/s", rate);
        return String.format(Locale.ROOT, "%s: %,d/%,d %s (%d%%), %s, %s, %s elapsed",
                label, done, total, unit, total == 0 ? 100 : 100 * done / total, perSecond, left,
                duration(seconds));
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s"
                : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
