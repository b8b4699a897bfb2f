package io.nasspark.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * The lookup-table baseline: a network's latency is a fixed cost plus one cost per (layer,
 * operator), as a per-layer latency table assumes. Over the one-hot encoding that is a linear
 * model; the costs are fit by least squares with a small ridge term (each layer's one-hot block
 * sums to one, so the plain problem is singular). It cannot see interactions between layers,
 * which is what the learned predictors add.
 */
public final class LookupTablePredictor implements Predictor, DifferentiablePredictor {

    /** Ridge weight per row: small enough not to bias, large enough to make the system solvable. */
    static final double RIDGE = 1e-3;

    private final double[] costs;
    private final double fixed;

    private LookupTablePredictor(double[] costs, double fixed) {
        this.costs = costs;
        this.fixed = fixed;
    }

    /** Fits the per-entry costs to {@code y}. */
    public static LookupTablePredictor fit(SearchSpace space, List<Candidate> x, double[] y) {
        if (x.isEmpty()) {
            throw new IllegalArgumentException("no rows to fit");
        }
        int d = space.oneHot(x.get(0)).length + 1; // last column: the fixed cost
        RealMatrix gram = new Array2DRowRealMatrix(d, d);
        RealVector rhs = new ArrayRealVector(d);
        for (int i = 0; i < x.size(); i++) {
            float[] f = space.oneHot(x.get(i));
            int[] on = new int[d];
            int k = 0;
            for (int j = 0; j < f.length; j++) {
                if (f[j] != 0) {
                    on[k++] = j;
                }
            }
            on[k++] = d - 1;
            for (int a = 0; a < k; a++) {
                rhs.addToEntry(on[a], y[i]);
                for (int b = 0; b < k; b++) {
                    gram.addToEntry(on[a], on[b], 1);
                }
            }
        }
        for (int a = 0; a < d - 1; a++) {
            gram.addToEntry(a, a, RIDGE * x.size());
        }
        double[] w = new CholeskyDecomposition(gram).getSolver().solve(rhs).toArray();
        return new LookupTablePredictor(Arrays.copyOf(w, d - 1), w[d - 1]);
    }

    @Override
    public String kind() {
        return "lut";
    }

    @Override
    public String describe() {
        return "entries=" + costs.length + ",ridge=" + RIDGE;
    }

    /** The table in the engine: {@code fixed + oneHot · costs}, FBNet's differentiable latency. */
    @Override
    public NDArray predict(NDArray oneHot) {
        if (oneHot.getShape().dimension() != 2 || oneHot.getShape().get(1) != costs.length) {
            throw new IllegalArgumentException("the table reads (batch, " + costs.length + ") one-hot rows, got "
                    + oneHot.getShape());
        }
        float[] c = new float[costs.length];
        for (int j = 0; j < c.length; j++) {
            c[j] = (float) costs[j];
        }
        NDArray table = oneHot.getManager().create(c, new Shape(c.length, 1));
        return oneHot.matMul(table).reshape(-1).add(fixed);
    }

    @Override
    public double[] predict(SearchSpace space, List<Candidate> batch) {
        double[] out = new double[batch.size()];
        for (int i = 0; i < out.length; i++) {
            float[] f = space.oneHot(batch.get(i));
            double sum = fixed;
            for (int j = 0; j < costs.length; j++) {
                sum += costs[j] * f[j];
            }
            out[i] = sum;
        }
        return out;
    }

    @Override
    public void save(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("kind", kind());
        put(p, "");
        ModelFiles.write(dir, p);
    }

    /** Writes the table into another predictor's settings, its keys prefixed. */
    void put(Properties p, String prefix) {
        p.setProperty(prefix + "fixed", Double.toString(fixed));
        p.setProperty(prefix + "costs", Arrays.stream(costs).mapToObj(Double::toString).collect(Collectors.joining(",")));
    }

    /** The table {@link #put} wrote under {@code prefix}, or null when there is none. */
    static LookupTablePredictor get(Properties p, String prefix) {
        String costs = p.getProperty(prefix + "costs");
        return costs == null ? null : new LookupTablePredictor(
                Arrays.stream(costs.split(",")).mapToDouble(Double::parseDouble).toArray(),
                Double.parseDouble(p.getProperty(prefix + "fixed")));
    }

    static LookupTablePredictor load(Properties p) {
        return get(p, "");
    }
}
