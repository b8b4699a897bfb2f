package io.nasspark.pareto;

import java.util.ArrayList;
import java.util.List;

/**
 * Non-dominated sorting of a stream of points, all objectives minimised, in memory bounded by
 * the first {@code maxRank} fronts rather than by the number of points.
 *
 * <p>The points must arrive in ascending lexicographic order (first objective, then second, and
 * so on), which a Spark sort gives without holding the data. In that order a point's dominators
 * all come before it, and if front f has a member dominating a point then so has every front
 * before f; so a point's rank is the first front none of whose members dominates it, found by
 * binary search. A point dominated by all {@code maxRank} fronts gets rank 0 (beyond), and so
 * does everything it dominates, correctly, since the same fronts dominate those too.
 *
 * <p>Equal points do not dominate each other, so duplicates share a rank. In two dimensions a
 * front is summarised by its member with the smallest second objective, so each point costs
 * O(log maxRank); in more, a front's members are scanned.
 */
public final class StreamingFronts {

    private final int maxRank;
    private final int dimensions;
    /** Two dimensions: per front, the smallest second objective and the smallest first beside it. */
    private final List<double[]> tails = new ArrayList<>();
    /** More dimensions: per front, its members so far. */
    private final List<List<double[]>> members = new ArrayList<>();
    private double[] previous;

    public StreamingFronts(int dimensions, int maxRank) {
        if (dimensions < 2 || maxRank < 1) {
            throw new IllegalArgumentException("need at least 2 objectives and maxRank >= 1");
        }
        this.dimensions = dimensions;
        this.maxRank = maxRank;
    }

    /**
     * The rank of the next point in the stream: 1 for non-dominated, 0 beyond {@code maxRank}.
     *
     * @throws IllegalArgumentException when the point is out of lexicographic order or not finite
     */
    public int add(double[] point) {
        requireInOrder(point);
        int fronts = dimensions == 2 ? tails.size() : members.size();
        int lo = 0;
        int hi = fronts; // the first front not dominating the point lies in [lo, hi]
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (frontDominates(mid, point)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo >= maxRank) {
            return 0;
        }
        record(lo, point);
        return lo + 1;
    }

    private boolean frontDominates(int front, double[] p) {
        if (dimensions == 2) {
            double[] t = tails.get(front);
            // Every member's first objective is <= p's (lexicographic order).
            return t[1] < p[1] || t[1] == p[1] && t[0] < p[0];
        }
        for (double[] m : members.get(front)) {
            if (dominatesMinimising(m, p)) {
                return true;
            }
        }
        return false;
    }

    private void record(int front, double[] p) {
        if (dimensions == 2) {
            if (front == tails.size()) {
                tails.add(new double[] {p[0], p[1]});
            } else {
                double[] t = tails.get(front);
                if (p[1] < t[1]) {
                    t[0] = p[0];
                    t[1] = p[1];
                }
            }
            return;
        }
        if (front == members.size()) {
            members.add(new ArrayList<>());
        }
        members.get(front).add(p.clone());
    }

    private void requireInOrder(double[] p) {
        if (p.length != dimensions) {
            throw new IllegalArgumentException("expected " + dimensions + " objectives, got " + p.length);
        }
        for (double v : p) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("objective values must be finite, got " + v);
            }
        }
        if (previous != null && compare(previous, p) > 0) {
            throw new IllegalArgumentException("points must arrive in lexicographic order");
        }
        previous = p.clone();
    }

    /** Lexicographic order of points. */
    public static int compare(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            int c = Double.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Whether {@code a} dominates {@code b} when every objective is minimised. */
    public static boolean dominatesMinimising(double[] a, double[] b) {
        boolean better = false;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > b[i]) {
                return false;
            }
            better |= a[i] < b[i];
        }
        return better;
    }
}
