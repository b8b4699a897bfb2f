package io.nasspark.predict.meta;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A ReLU MLP with one output whose parameters are one flat array, with the gradient and the
 * Hessian-vector product of its mean squared error written out by hand.
 *
 * <p>Second-order MAML needs the derivative of an inner gradient step, that is Hessian-vector
 * products. DJL's public {@code GradientCollector} gives first-order gradients only, so for this
 * small network (the latency MLP's shape, about 12k parameters) the products are computed
 * directly: Pearlmutter's R-operator, a forward and a backward pass along a direction. Nothing
 * is taped, so memory stays flat over any number of outer steps, and the arithmetic is in
 * doubles, which lets a test check it against finite differences tightly.
 *
 * <p>Layout: for each layer its weights (outputs x inputs, row-major), then its biases.
 */
public final class FlatMlp {

    private final int[] widths;
    private final int[] offsets;
    private final int size;

    /** A network of {@code inputs} features, the given hidden widths, and one output. */
    public FlatMlp(int inputs, int[] hidden) {
        widths = new int[hidden.length + 2];
        widths[0] = inputs;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = 1;
        offsets = new int[widths.length - 1];
        int n = 0;
        for (int l = 0; l < offsets.length; l++) {
            offsets[l] = n;
            n += widths[l + 1] * widths[l] + widths[l + 1];
        }
        size = n;
    }

    public int inputs() {
        return widths[0];
    }

    /** Hidden widths. */
    public int[] hidden() {
        return Arrays.copyOfRange(widths, 1, widths.length - 1);
    }

    /** Number of parameters. */
    public int size() {
        return size;
    }

    /** He-uniform weights drawn with {@code seed}, zero biases. */
    public double[] init(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] theta = new double[size];
        for (int l = 0; l < offsets.length; l++) {
            double bound = Math.sqrt(6.0 / widths[l]);
            int weights = widths[l + 1] * widths[l];
            for (int i = 0; i < weights; i++) {
                theta[offsets[l] + i] = (2 * rng.nextDouble() - 1) * bound;
            }
        }
        return theta;
    }

    /** The outputs for each row of {@code x}. */
    public double[] predict(double[] theta, double[][] x) {
        double[] out = new double[x.length];
        Pass pass = new Pass();
        for (int i = 0; i < x.length; i++) {
            out[i] = pass.forward(theta, x[i]);
        }
        return out;
    }

    /** Mean squared error of the outputs against {@code y}. */
    public double loss(double[] theta, double[][] x, double[] y) {
        double[] f = predict(theta, x);
        double sum = 0;
        for (int i = 0; i < f.length; i++) {
            sum += (f[i] - y[i]) * (f[i] - y[i]);
        }
        return sum / f.length;
    }

    /** The loss, with its gradient written into {@code grad} (overwritten). */
    public double gradient(double[] theta, double[][] x, double[] y, double[] grad) {
        Arrays.fill(grad, 0);
        Pass pass = new Pass();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double err = pass.forward(theta, x[i]) - y[i];
            sum += err * err;
            pass.backward(theta, 2 * err / x.length, grad);
        }
        return sum / x.length;
    }

    /** The Hessian of the loss at {@code theta} times {@code v}, written into {@code out} (overwritten). */
    public void hessianVector(double[] theta, double[][] x, double[] y, double[] v, double[] out) {
        Arrays.fill(out, 0);
        Pass pass = new Pass();
        for (int i = 0; i < x.length; i++) {
            double err = pass.forward(theta, x[i]) - y[i];
            pass.directional(theta, v, x.length, err, out);
        }
    }

    /** Activations of one example, kept for its backward passes. */
    private final class Pass {
        private final double[][] a = new double[widths.length][]; // layer inputs; a[L] is the output
        private final double[][] z = new double[widths.length - 1][]; // pre-activations
        private final double[][] ra = new double[widths.length][];
        private final double[][] rz = new double[widths.length - 1][];

        Pass() {
            for (int l = 0; l < widths.length; l++) {
                ra[l] = new double[widths[l]];
                if (l > 0) {
                    a[l] = new double[widths[l]];
                    z[l - 1] = new double[widths[l]];
                    rz[l - 1] = new double[widths[l]];
                }
            }
        }

        double forward(double[] theta, double[] x) {
            a[0] = x;
            for (int l = 0; l < offsets.length; l++) {
                affine(theta, l, a[l], z[l]);
                boolean last = l == offsets.length - 1;
                for (int j = 0; j < z[l].length; j++) {
                    a[l + 1][j] = last || z[l][j] > 0 ? z[l][j] : 0;
                }
            }
            return a[widths.length - 1][0];
        }

        /** Adds d loss / d theta for this example, given d loss / d output. */
        void backward(double[] theta, double outputGrad, double[] grad) {
            double[] delta = {outputGrad};
            for (int l = offsets.length - 1; l >= 0; l--) {
                addOuter(grad, l, delta, a[l]);
                if (l > 0) {
                    double[] g = transposeTimes(theta, l, delta);
                    for (int j = 0; j < g.length; j++) {
                        g[j] = z[l - 1][j] > 0 ? g[j] : 0;
                    }
                    delta = g;
                }
            }
        }

        /**
         * Adds this example's share of H v: the R-operator of the forward pass along {@code v},
         * then of the backward pass (ReLU's second derivative is zero almost everywhere).
         */
        void directional(double[] theta, double[] v, int batch, double err, double[] out) {
            Arrays.fill(ra[0], 0);
            for (int l = 0; l < offsets.length; l++) {
                affine(v, l, a[l], rz[l]); // V a + c
                addTimes(theta, l, ra[l], rz[l]); // + W Ra
                boolean last = l == offsets.length - 1;
                for (int j = 0; j < rz[l].length; j++) {
                    ra[l + 1][j] = last || z[l][j] > 0 ? rz[l][j] : 0;
                }
            }
            double[] delta = {2 * err / batch};
            double[] rdelta = {2 * ra[widths.length - 1][0] / batch};
            for (int l = offsets.length - 1; l >= 0; l--) {
                addOuter(out, l, rdelta, a[l]);
                addOuterWeightsOnly(out, l, delta, ra[l]);
                if (l > 0) {
                    double[] g = transposeTimes(theta, l, delta);
                    double[] rg = transposeTimes(theta, l, rdelta);
                    double[] vg = transposeTimes(v, l, delta);
                    for (int j = 0; j < g.length; j++) {
                        boolean on = z[l - 1][j] > 0;
                        g[j] = on ? g[j] : 0;
                        rg[j] = on ? rg[j] + vg[j] : 0;
                    }
                    delta = g;
                    rdelta = rg;
                }
            }
        }
    }

    /** out = W_l in + b_l, with W and b read from {@code p}; zero inputs (one-hot features) are skipped. */
    private void affine(double[] p, int l, double[] in, double[] out) {
        int rows = widths[l + 1];
        int cols = widths[l];
        int w = offsets[l];
        int b = w + rows * cols;
        for (int r = 0; r < rows; r++) {
            out[r] = p[b + r];
        }
        for (int c = 0; c < cols; c++) {
            double x = in[c];
            if (x == 0) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                out[r] += p[w + r * cols + c] * x;
            }
        }
    }

    /** out += W_l in (no bias). */
    private void addTimes(double[] p, int l, double[] in, double[] out) {
        int rows = widths[l + 1];
        int cols = widths[l];
        int w = offsets[l];
        for (int c = 0; c < cols; c++) {
            double x = in[c];
            if (x == 0) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                out[r] += p[w + r * cols + c] * x;
            }
        }
    }

    /** W_l^T d. */
    private double[] transposeTimes(double[] p, int l, double[] d) {
        int rows = widths[l + 1];
        int cols = widths[l];
        int w = offsets[l];
        double[] g = new double[cols];
        for (int r = 0; r < rows; r++) {
            double dr = d[r];
            if (dr == 0) {
                continue;
            }
            int row = w + r * cols;
            for (int c = 0; c < cols; c++) {
                g[c] += p[row + c] * dr;
            }
        }
        return g;
    }

    /** grad W_l += d a^T, grad b_l += d. */
    private void addOuter(double[] grad, int l, double[] d, double[] a) {
        addOuterWeightsOnly(grad, l, d, a);
        int b = offsets[l] + widths[l + 1] * widths[l];
        for (int r = 0; r < d.length; r++) {
            grad[b + r] += d[r];
        }
    }

    private void addOuterWeightsOnly(double[] grad, int l, double[] d, double[] a) {
        int cols = widths[l];
        int w = offsets[l];
        for (int c = 0; c < cols; c++) {
            double x = a[c];
            if (x == 0) {
                continue;
            }
            for (int r = 0; r < d.length; r++) {
                grad[w + r * cols + c] += d[r] * x;
            }
        }
    }
}
