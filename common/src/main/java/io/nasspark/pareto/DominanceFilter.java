package io.nasspark.pareto;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * "Does any of these points dominate p?" for a fixed set of points, all objectives minimised,
 * asked once per row of a scan, so it must cost little more than reading the row.
 *
 * <p>In two dimensions the set is a staircase: sorted by the first objective with the running
 * minimum of the second, p is dominated when some member has a smaller first objective and a
 * second no larger, or a first no larger and a smaller second. One lookup answers that: the
 * first objective's bucket (of 4n equal ones over the members' range) bounds a binary search
 * that usually has one or two members left to look at (a second search when p ties a member's
 * second objective). Many rows of a scan fall behind the member with the smallest second
 * objective, which two comparisons tell. In more dimensions the members are scanned, and the
 * one that last dominated a point is moved to the front: consecutive rows tend to fall under the
 * same member.
 */
public final class DominanceFilter {

    private final int dimensions;
    /** Two dimensions: first objectives ascending, and the smallest second objective up to each. */
    private final double[] firsts;
    private final double[] runningMinSeconds;
    /**
     * Two dimensions: the members' first objectives cut into equal buckets; the members before
     * bucket b number bucketStart[b], so a count below a value in bucket b lies between
     * bucketStart[b] and bucketStart[b + 1]. Null when the range is empty or not finite.
     */
    private final int[] bucketStart;
    private final double bucketOrigin;
    private final double bucketScale;
    /** The smallest second objective, and the smallest first objective of a member having it. */
    private final double minSecond;
    private final double firstAtMinSecond;
    /** More dimensions: the members, most recently useful first. */
    private final double[][] members;

    public DominanceFilter(List<double[]> points, int dimensions) {
        this.dimensions = dimensions;
        double[][] sorted = points.stream().map(double[]::clone).toArray(double[][]::new);
        if (dimensions == 2) {
            Arrays.sort(sorted, Comparator.comparingDouble(p -> p[0]));
            firsts = new double[sorted.length];
            runningMinSeconds = new double[sorted.length];
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < sorted.length; i++) {
                firsts[i] = sorted[i][0];
                min = Math.min(min, sorted[i][1]);
                runningMinSeconds[i] = min;
            }
            minSecond = min;
            int at = 0;
            while (at < sorted.length && runningMinSeconds[at] > min) {
                at++;
            }
            firstAtMinSecond = at < sorted.length ? firsts[at] : Double.POSITIVE_INFINITY;
            members = null;
            int n = firsts.length;
            double range = n < 2 ? 0 : firsts[n - 1] - firsts[0];
            if (range > 0 && Double.isFinite(range)) {
                bucketOrigin = firsts[0];
                bucketScale = 4.0 * n / range;
                bucketStart = new int[4 * n + 1];
                for (double f : firsts) {
                    bucketStart[bucket(f) + 1]++;
                }
                for (int b = 1; b < bucketStart.length; b++) {
                    bucketStart[b] += bucketStart[b - 1];
                }
            } else {
                bucketStart = null;
                bucketOrigin = 0;
                bucketScale = 0;
            }
        } else {
            bucketStart = null;
            bucketOrigin = 0;
            bucketScale = 0;
            firsts = null;
            runningMinSeconds = null;
            minSecond = Double.NaN;
            firstAtMinSecond = Double.NaN;
            members = sorted;
        }
    }

    /** A filter that dominates nothing. */
    public static DominanceFilter empty(int dimensions) {
        return new DominanceFilter(List.of(), dimensions);
    }

    /** Whether some member dominates {@code p}. */
    public boolean dominates(double[] p) {
        if (dimensions == 2) {
            if (p[0] > firstAtMinSecond && p[1] >= minSecond) {
                return true; // the usual case on a scan: worse than the member lowest in the second objective
            }
            if (p[1] < minSecond) {
                return false;
            }
            int noLarger = countNoLarger(p[0]);
            if (noLarger == 0 || runningMinSeconds[noLarger - 1] > p[1]) {
                return false; // no member is as good in both
            }
            if (runningMinSeconds[noLarger - 1] < p[1]) {
                return true;
            }
            // A member ties p's second objective: it dominates only with a strictly smaller first one.
            int smaller = countBelow(p[0], false);
            return smaller > 0 && runningMinSeconds[smaller - 1] <= p[1];
        }
        for (int i = 0; i < members.length; i++) {
            if (StreamingFronts.dominatesMinimising(members[i], p)) {
                double[] hit = members[i];
                System.arraycopy(members, 0, members, 1, i);
                members[0] = hit;
                return true;
            }
        }
        return false;
    }

    /**
     * The bucket of a first objective. Monotone in {@code v} (floating-point subtraction and
     * multiplication by a positive number are), so members in lower buckets are below v and
     * members in higher ones above it.
     */
    private int bucket(double v) {
        double x = (v - bucketOrigin) * bucketScale;
        int last = bucketStart.length - 2;
        return x <= 0 ? 0 : x >= last ? last : (int) x;
    }

    /** How many first objectives are at most {@code v}: a binary search within v's bucket. */
    private int countNoLarger(double v) {
        if (bucketStart == null) {
            return countBelow(v, true, 0, firsts.length);
        }
        int b = bucket(v);
        return countBelow(v, true, bucketStart[b], bucketStart[b + 1]);
    }

    private int countBelow(double v, boolean inclusive) {
        return countBelow(v, inclusive, 0, firsts.length);
    }

    /**
     * How many first objectives are below {@code v} (or equal too, with {@code inclusive}),
     * knowing the answer lies in [lo, hi].
     */
    private int countBelow(double v, boolean inclusive, int lo, int hi) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (firsts[mid] < v || inclusive && firsts[mid] == v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
