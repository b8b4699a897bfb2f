package io.nasspark.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How well a proxy ranks candidates by accuracy: Kendall τ and Spearman ρ with percentile
 * bootstrap confidence intervals (candidates resampled with replacement, seeded).
 *
 * @param candidates pairs the correlations are computed over
 */
public record ProxyRanking(int candidates, double tau, double tauLow, double tauHigh, double rho, double rhoLow,
        double rhoHigh) {

    /**
     * @param score proxy scores, oriented so higher predicts higher accuracy
     * @param accuracy the accuracy of the same candidates
     * @param resamples bootstrap resamples
     * @param confidence e.g. 0.95
     */
    public static ProxyRanking of(double[] score, double[] accuracy, int resamples, double confidence, long seed) {
        if (score.length != accuracy.length || score.length < 3) {
            throw new IllegalArgumentException("need at least 3 candidates with both a score and an accuracy, got "
                    + Math.min(score.length, accuracy.length));
        }
        if (resamples < 1 || !(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("need resamples >= 1 and 0 < confidence < 1");
        }
        BiFunction<double[], double[], Double> kendall = (a, b) -> new KendallsCorrelation().correlation(a, b);
        BiFunction<double[], double[], Double> spearman = (a, b) -> new SpearmansCorrelation().correlation(a, b);
        double[] tauCi = interval(score, accuracy, kendall, resamples, confidence, new SplittableRandom(seed));
        double[] rhoCi = interval(score, accuracy, spearman, resamples, confidence, new SplittableRandom(seed));
        return new ProxyRanking(score.length, kendall.apply(score, accuracy), tauCi[0], tauCi[1],
                spearman.apply(score, accuracy), rhoCi[0], rhoCi[1]);
    }

    /** Percentile interval of {@code statistic} over resamples; resamples where it is undefined are skipped. */
    private static double[] interval(double[] x, double[] y, BiFunction<double[], double[], Double> statistic,
            int resamples, double confidence, SplittableRandom rng) {
        double[] values = new double[resamples];
        int kept = 0;
        double[] rx = new double[x.length];
        double[] ry = new double[y.length];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < x.length; i++) {
                int j = rng.nextInt(x.length);
                rx[i] = x[j];
                ry[i] = y[j];
            }
            double v = statistic.apply(rx, ry);
            if (Double.isFinite(v)) {
                values[kept++] = v;
            }
        }
        if (kept == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] sorted = Arrays.copyOf(values, kept);
        Arrays.sort(sorted);
        double tail = (1 - confidence) / 2;
        return new double[] {quantile(sorted, tail), quantile(sorted, 1 - tail)};
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
