package io.nasspark.predict.meta;

/**
 * The affine map between a task's accuracies and the standardised targets the network fits.
 * Tasks differ in their accuracy level and spread (a tiny task's 85 % is not the full task's),
 * so every task is standardised by the pairs that are known for it: the support set while
 * meta-training, the K shots when adapting. The network then learns how candidates rank and
 * space out, and the shots set the level.
 */
record Scale(double mean, double std) {

    /** Below this spread (in accuracy points) the shots are treated as equal: no division by almost zero. */
    static final double MIN_STD = 0.05;

    static Scale of(double[] y) {
        double sum = 0;
        for (double v : y) {
            sum += v;
        }
        double mean = sum / y.length;
        double sq = 0;
        for (double v : y) {
            sq += (v - mean) * (v - mean);
        }
        return new Scale(mean, Math.max(Math.sqrt(sq / y.length), MIN_STD));
    }

    double[] forward(double[] y) {
        double[] z = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            z[i] = (y[i] - mean) / std;
        }
        return z;
    }

    double inverse(double z) {
        return mean + std * z;
    }
}
