package io.nasspark.pareto;

import java.util.List;

/** What a first front is summarised by besides its hypervolume, all objectives minimised. */
public final class FrontAnalysis {

    /** Margin of a derived reference point beyond the front's worst value, as a share of its range. */
    public static final double REFERENCE_MARGIN = 0.1;

    private FrontAnalysis() {}

    /**
     * The knee: the member with the smallest sum of objectives scaled to [0, 1] over the front.
     * In two dimensions that is the member farthest below the line through the two extremes.
     * Ties go to the earlier member; a front of one point is its own knee.
     *
     * @return index into {@code front}, or -1 for an empty front
     */
    public static int knee(List<double[]> front) {
        if (front.isEmpty()) {
            return -1;
        }
        int dims = front.get(0).length;
        double[] lo = new double[dims];
        double[] hi = new double[dims];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (double[] p : front) {
            for (int i = 0; i < dims; i++) {
                lo[i] = Math.min(lo[i], p[i]);
                hi[i] = Math.max(hi[i], p[i]);
            }
        }
        int best = 0;
        double bestSum = Double.POSITIVE_INFINITY;
        for (int k = 0; k < front.size(); k++) {
            double sum = 0;
            for (int i = 0; i < dims; i++) {
                sum += hi[i] > lo[i] ? (front.get(k)[i] - lo[i]) / (hi[i] - lo[i]) : 0;
            }
            if (sum < bestSum) {
                bestSum = sum;
                best = k;
            }
        }
        return best;
    }

    /**
     * A reference point when none is given: per objective, the front's worst value plus
     * {@link #REFERENCE_MARGIN} of its range (or of its magnitude, or 1, when the range is 0),
     * so that the extremes count too.
     */
    public static double[] derivedReference(List<double[]> front) {
        int dims = front.get(0).length;
        double[] ref = new double[dims];
        for (int i = 0; i < dims; i++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double[] p : front) {
                lo = Math.min(lo, p[i]);
                hi = Math.max(hi, p[i]);
            }
            double span = hi > lo ? hi - lo : Math.abs(hi) > 0 ? Math.abs(hi) : 1;
            ref[i] = hi + REFERENCE_MARGIN * span;
        }
        return ref;
    }
}
