package io.nasspark.predict;

import java.io.Serializable;

/**
 * Maps targets to zero mean and unit spread for fitting, and back. With {@code log} it fits
 * the logarithm: latencies span orders of magnitude and their errors are relative.
 */
record Standardizer(boolean log, double mean, double std) implements Serializable {

    static Standardizer fit(double[] y, boolean log) {
        double sum = 0;
        double sq = 0;
        for (double v : y) {
            double t = log ? Math.log(v) : v;
            sum += t;
            sq += t * t;
        }
        double mean = sum / y.length;
        double var = Math.max(sq / y.length - mean * mean, 0);
        return new Standardizer(log, mean, var > 1e-24 ? Math.sqrt(var) : 1);
    }

    float forward(double v) {
        return (float) (((log ? Math.log(v) : v) - mean) / std);
    }

    double inverse(double z) {
        double t = z * std + mean;
        return log ? Math.exp(t) : t;
    }

    /** {@link #inverse(double)} element-wise in the engine, differentiable. */
    ai.djl.ndarray.NDArray inverse(ai.djl.ndarray.NDArray z) {
        ai.djl.ndarray.NDArray t = io.nasspark.model.Scalars.times(z, std).add(mean);
        return log ? t.exp() : t;
    }
}
