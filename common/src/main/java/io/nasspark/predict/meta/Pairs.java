package io.nasspark.predict.meta;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Network-accuracy pairs of one task: candidate features (the one-hot encoding) and accuracies.
 *
 * @param task the task's label
 * @param x one row of features per candidate
 * @param y accuracy per candidate, percent
 */
public record Pairs(String task, double[][] x, double[] y) {

    public Pairs {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " feature rows but " + y.length + " accuracies");
        }
    }

    public int size() {
        return y.length;
    }

    /** The pairs at {@code rows}. */
    public Pairs subset(int[] rows) {
        double[][] xs = new double[rows.length][];
        double[] ys = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            xs[i] = x[rows[i]];
            ys[i] = y[rows[i]];
        }
        return new Pairs(task, xs, ys);
    }

    /** {@code k} rows drawn without replacement, then the rest: a seeded split into shots and unseen pairs. */
    public Pairs[] split(int k, SplittableRandom rng) {
        int[] order = permutation(size(), rng);
        return new Pairs[] {subset(Arrays.copyOf(order, k)), subset(Arrays.copyOfRange(order, k, size()))};
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
