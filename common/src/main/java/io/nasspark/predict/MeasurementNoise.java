package io.nasspark.predict;

import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.moment.Variance;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * How noisy one device's latency table is, from its cost twins ({@link SearchSpace#costTwin}):
 * two candidates that run the same operators on the same shapes, so whatever separates their
 * measured latencies is noise. From that noise it estimates the best a predictor could score
 * against these measurements, however good: its ceiling.
 *
 * <p>The ceiling is simulated. A smooth stand-in for the noise-free latencies (the lookup table
 * fitted on every row, its log spread widened to the measured spread less the noise's) gets
 * noise drawn from the twins' log-ratios (divided by √2: a ratio holds two draws) with a random
 * sign, rounded to whole milliseconds when the table is; the ceiling is how well the stand-in
 * predicts its own noisy copy, mean of a few draws. It assumes the noise does not depend on
 * the candidate, which the twins can check: their log-ratio should not be predictable from
 * the architecture.
 *
 * @param rows candidates measured
 * @param pairs twin pairs among them
 * @param twinTau Kendall τ between the two latencies of each pair: a test–retest agreement
 * @param twinRho Spearman ρ of the same
 * @param medianGap median of |a − b| / mean(a, b) over the pairs
 * @param sigma standard deviation of one measurement's log noise
 * @param wholeMilliseconds every latency is a whole number of ms (the table was rounded)
 * @param ceiling the metrics a noise-free predictor would score (rows = the simulated table)
 */
public record MeasurementNoise(int rows, int pairs, double twinTau, double twinRho, double medianGap,
        double sigma, boolean wholeMilliseconds, RegressionMetrics ceiling) {

    /** Fewer twin pairs than this say too little about the noise. */
    public static final int MIN_PAIRS = 20;
    private static final int DRAWS = 3;

    /**
     * Estimates the noise of {@code latencyMs}, one value per candidate of {@code x}.
     *
     * @return null when fewer than {@link #MIN_PAIRS} twin pairs are both measured
     */
    public static MeasurementNoise of(SearchSpace space, List<Candidate> x, double[] latencyMs, long seed) {
        Map<Candidate, Integer> row = new HashMap<>();
        for (int i = 0; i < x.size(); i++) {
            row.put(x.get(i), i);
        }
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            Candidate twin = space.costTwin(x.get(i));
            Integer j = twin == null ? null : row.get(twin);
            if (j != null && i < j) {
                pairs.add(new double[] {latencyMs[i], latencyMs[j]});
            }
        }
        if (pairs.size() < MIN_PAIRS) {
            return null;
        }
        double floor = Arrays.stream(latencyMs).filter(v -> v > 0).min().orElse(1e-6);
        double[] a = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] b = pairs.stream().mapToDouble(p -> p[1]).toArray();
        double[] gap = new double[a.length];
        double[] logNoise = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            gap[i] = Math.abs(a[i] - b[i]) / ((a[i] + b[i]) / 2);
            logNoise[i] = (Math.log(Math.max(a[i], floor)) - Math.log(Math.max(b[i], floor))) / Math.sqrt(2);
        }
        RegressionMetrics twins = RegressionMetrics.of(a, b);
        boolean whole = Arrays.stream(latencyMs).allMatch(v -> v == Math.rint(v));
        double noiseVariance = variance(logNoise);
        return new MeasurementNoise(x.size(), pairs.size(), twins.kendallTau(), twins.spearmanRho(),
                new Median().evaluate(gap), Math.sqrt(noiseVariance), whole,
                ceiling(space, x, latencyMs, floor, logNoise, noiseVariance, whole, seed));
    }

    private static RegressionMetrics ceiling(SearchSpace space, List<Candidate> x, double[] y, double floor,
            double[] logNoise, double noiseVariance, boolean whole, long seed) {
        double[] smooth = LookupTablePredictor.fit(space, x, y).predict(space, x);
        double[] logTrue = new double[y.length];
        double[] logY = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            logTrue[i] = Math.log(Math.max(smooth[i], floor));
            logY[i] = Math.log(Math.max(y[i], floor));
        }
        double mean = Arrays.stream(logTrue).average().orElseThrow();
        double widen = Math.sqrt(Math.max(variance(logY) - noiseVariance, 1e-12) / Math.max(variance(logTrue), 1e-12));
        double[] truth = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            truth[i] = Math.exp(mean + (logTrue[i] - mean) * widen);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double tau = 0;
        double rho = 0;
        double within5 = 0;
        double within10 = 0;
        for (int d = 0; d < DRAWS; d++) {
            double[] measured = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                double noise = logNoise[rng.nextInt(logNoise.length)] * (rng.nextBoolean() ? 1 : -1);
                measured[i] = truth[i] * Math.exp(noise);
                if (whole) {
                    measured[i] = Math.max(1, Math.rint(measured[i]));
                }
            }
            RegressionMetrics m = RegressionMetrics.of(measured, truth);
            tau += m.kendallTau() / DRAWS;
            rho += m.spearmanRho() / DRAWS;
            within5 += m.within5pct() / DRAWS;
            within10 += m.within10pct() / DRAWS;
        }
        return new RegressionMetrics(y.length, Double.NaN, Double.NaN, Double.NaN, tau, rho, within5, within10);
    }

    private static double variance(double[] v) {
        return new Variance(false).evaluate(v);
    }
}
