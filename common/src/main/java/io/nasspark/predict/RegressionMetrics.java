package io.nasspark.predict;

import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How well predictions match the truth on rows the model did not see: errors, rank
 * correlations, and the share within ±5 % and ±10 % of the truth (the metric nn-Meter reports).
 */
public record RegressionMetrics(long rows, double rmse, double mae, double mape, double kendallTau,
        double spearmanRho, double within5pct, double within10pct) {

    /** The metrics of {@code predicted} against {@code truth}. */
    public static RegressionMetrics of(double[] truth, double[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth and predictions differ in length");
        }
        if (truth.length < 2) {
            throw new IllegalArgumentException("need at least 2 unseen rows to judge a predictor, got "
                    + truth.length);
        }
        double se = 0;
        double ae = 0;
        double ape = 0;
        int within5 = 0;
        int within10 = 0;
        for (int i = 0; i < truth.length; i++) {
            double err = predicted[i] - truth[i];
            se += err * err;
            ae += Math.abs(err);
            double relative = truth[i] != 0 ? Math.abs(err / truth[i]) : Double.POSITIVE_INFINITY;
            ape += relative;
            within5 += relative <= 0.05 ? 1 : 0;
            within10 += relative <= 0.10 ? 1 : 0;
        }
        int n = truth.length;
        return new RegressionMetrics(n, Math.sqrt(se / n), ae / n, 100 * ape / n,
                new KendallsCorrelation().correlation(truth, predicted),
                new SpearmansCorrelation().correlation(truth, predicted),
                (double) within5 / n, (double) within10 / n);
    }
}
