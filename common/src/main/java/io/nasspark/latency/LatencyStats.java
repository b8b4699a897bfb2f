package io.nasspark.latency;

import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/** The summary a latency row keeps of its timed repeats, in milliseconds. */
public record LatencyStats(double median, double p10, double p90, double mean, double std, double cv) {

    /** Summarises timed repeats given in milliseconds. */
    public static LatencyStats of(double[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("no timings to summarise");
        }
        DescriptiveStatistics d = new DescriptiveStatistics(millis);
        double mean = d.getMean();
        double std = millis.length > 1 ? d.getStandardDeviation() : 0;
        return new LatencyStats(d.getPercentile(50), d.getPercentile(10), d.getPercentile(90), mean, std,
                mean > 0 ? std / mean : 0);
    }

    /**
     * These timings divided by {@code slowdown}: how they would read had the machine run at its
     * reference speed while it was {@code slowdown} times slower (the coefficient of variation
     * does not change).
     */
    public LatencyStats atReferenceSpeed(double slowdown) {
        if (!(slowdown > 0) || Double.isInfinite(slowdown)) {
            throw new IllegalArgumentException("slowdown must be positive and finite, got " + slowdown);
        }
        return new LatencyStats(median / slowdown, p10 / slowdown, p90 / slowdown, mean / slowdown,
                std / slowdown, cv);
    }
}
