package io.nasspark.train;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/** Training-free and training-based accuracy proxies (DESIGN §2 "Accuracy proxies"). */
public final class Proxies {

    private Proxies() {}

    /**
     * Batchwise training estimate, Definition 4.1 (thesis §4.3.5):
     * {@code BTE = Σ_n Π_{e=1..E-1} (L_e(n) − L_{e+1}(n)) / L_e(n)}, where {@code L_e(n)} is the
     * loss of batch n in epoch e, each batch holding the same images in every epoch.
     *
     * @param losses {@code losses[e][n]}, at least two epochs of equal length
     */
    public static double bte(float[][] losses) {
        if (losses.length < 2) {
            throw new IllegalArgumentException("BTE needs at least 2 epochs, got " + losses.length);
        }
        double sum = 0;
        for (int n = 0; n < losses[0].length; n++) {
            double product = 1;
            for (int e = 0; e + 1 < losses.length; e++) {
                product *= (losses[e][n] - losses[e + 1][n]) / (double) losses[e][n];
            }
            sum += product;
        }
        return sum;
    }

    /** Training speed estimate (Ru et al.): the sum of every batch's training loss; lower is better. */
    public static double tse(float[][] losses) {
        double sum = 0;
        for (float[] epoch : losses) {
            for (float l : epoch) {
                sum += l;
            }
        }
        return sum;
    }

    /**
     * Jacobian covariance (Mellor et al., "Neural architecture search without training", v1):
     * {@code −Σ_i [log(λ_i + k) + 1 / (λ_i + k)]}, k = 1e-5, over the eigenvalues λ of the
     * correlation matrix of the per-image input gradients. Higher means the network tells the
     * images of a batch apart better at initialisation. NaN when an image's gradient is constant.
     */
    public static double jacobianCovariance(float[][] jacobian) {
        int n = jacobian.length;
        double[][] centred = new double[n][];
        for (int i = 0; i < n; i++) {
            float[] row = jacobian[i];
            double mean = 0;
            for (float v : row) {
                mean += v;
            }
            mean /= row.length;
            double norm = 0;
            double[] c = new double[row.length];
            for (int k = 0; k < row.length; k++) {
                c[k] = row[k] - mean;
                norm += c[k] * c[k];
            }
            if (!(norm > 0)) {
                return Double.NaN;
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < c.length; k++) {
                c[k] /= norm;
            }
            centred[i] = c;
        }
        double[][] corr = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < centred[i].length; k++) {
                    dot += centred[i][k] * centred[j][k];
                }
                corr[i][j] = dot;
                corr[j][i] = dot;
            }
        }
        double k = 1e-5;
        double score = 0;
        for (double lambda : new EigenDecomposition(new Array2DRowRealMatrix(corr, false)).getRealEigenvalues()) {
            double v = Math.max(lambda, 0) + k; // round-off can leave tiny negatives on a PSD matrix
            score -= Math.log(v) + 1 / v;
        }
        return score;
    }
}
