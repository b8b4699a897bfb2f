package io.nasspark.predict.meta;

/**
 * The map between a task's values and the standardised targets the network fits: affine, or
 * affine in the logarithm ({@code log}: latency, whose predictions must stay positive and whose
 * devices differ by factors).
 * Tasks differ in their accuracy level and spread (a tiny task's 85 % is not the full task's),
 * so every task is standardised by the pairs that are known for it: the support set while
 * meta-training, the K shots when adapting. The network then learns how candidates rank and
 * space out, and the shots set the level.
 */
record Scale(double mean, double std, boolean log) {

    /** Below this spread (accuracy points, or log units) the shots are treated as equal: no division by almost zero. */
    static final double MIN_STD = 0.05;

    /** Below this a value is taken as this in the log (a latency of zero has no logarithm). */
    private static final double LOG_FLOOR = 1e-9;

    static Scale of(double[] y, boolean log) {
        double sum = 0;
        for (double v : y) {
            sum += raw(v, log);
        }
        double mean = sum / y.length;
        double sq = 0;
        for (double v : y) {
            double d = raw(v, log) - mean;
            sq += d * d;
        }
        return new Scale(mean, Math.max(Math.sqrt(sq / y.length), MIN_STD), log);
    }

    private static double raw(double v, boolean log) {
        return log ? Math.log(Math.max(v, LOG_FLOOR)) : v;
    }

    double[] forward(double[] y) {
        double[] z = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            z[i] = (raw(y[i], log) - mean) / std;
        }
        return z;
    }

    double inverse(double z) {
        double v = mean + std * z;
        return log ? Math.exp(v) : v;
    }
}
