package io.nasspark.predict.meta;

/** Adam (Kingma and Ba) over a flat parameter array. */
final class Adam {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final double lr;
    private final double[] m;
    private final double[] v;
    private int t;

    Adam(int size, double lr) {
        this.lr = lr;
        m = new double[size];
        v = new double[size];
    }

    /** theta -= the step for {@code grad}. */
    void step(double[] theta, double[] grad) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < theta.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
            theta[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
    }
}
