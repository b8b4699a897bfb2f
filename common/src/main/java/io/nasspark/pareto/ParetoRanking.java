package io.nasspark.pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Non-dominated sorting and crowding distance (Deb et al., NSGA-II) over points whose every
 * objective is to be maximised; negate an objective to minimise it.
 *
 * <p>A point dominates another when it is at least as good in every objective and better in
 * one. Equal points do not dominate each other, so duplicates share a front.
 */
public final class ParetoRanking {

    private ParetoRanking() {}

    /** Whether {@code a} dominates {@code b}. */
    public static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int i = 0; i < a.length; i++) {
            if (a[i] < b[i]) {
                return false;
            }
            better |= a[i] > b[i];
        }
        return better;
    }

    /** The front of each point: 1 for the non-dominated ones, 2 for those only they dominate, and so on. */
    public static int[] fronts(double[][] points) {
        int n = points.length;
        List<List<Integer>> dominated = new ArrayList<>();
        int[] dominators = new int[n];
        for (int i = 0; i < n; i++) {
            dominated.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dominates(points[i], points[j])) {
                    dominated.get(i).add(j);
                    dominators[j]++;
                } else if (dominates(points[j], points[i])) {
                    dominated.get(j).add(i);
                    dominators[i]++;
                }
            }
        }
        int[] rank = new int[n];
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (dominators[i] == 0) {
                current.add(i);
            }
        }
        for (int front = 1; !current.isEmpty(); front++) {
            List<Integer> next = new ArrayList<>();
            for (int i : current) {
                rank[i] = front;
                for (int j : dominated.get(i)) {
                    if (--dominators[j] == 0) {
                        next.add(j);
                    }
                }
            }
            current = next;
        }
        return rank;
    }

    /**
     * Crowding distance of each member of one front: the sum over objectives of the gap between
     * its neighbours, normalised by the front's range; the extremes get infinity.
     *
     * @param members indices into {@code points} of one front
     */
    public static double[] crowding(double[][] points, int[] members) {
        double[] distance = new double[members.length];
        if (members.length == 0) {
            return distance;
        }
        int objectives = points[members[0]].length;
        Integer[] order = new Integer[members.length];
        for (int m = 0; m < objectives; m++) {
            int objective = m;
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, Comparator.comparingDouble(i -> points[members[i]][objective]));
            double lo = points[members[order[0]]][m];
            double hi = points[members[order[order.length - 1]]][m];
            distance[order[0]] = Double.POSITIVE_INFINITY;
            distance[order[order.length - 1]] = Double.POSITIVE_INFINITY;
            if (hi == lo) {
                continue;
            }
            for (int k = 1; k + 1 < order.length; k++) {
                distance[order[k]] += (points[members[order[k + 1]]][m] - points[members[order[k - 1]]][m]) / (hi - lo);
            }
        }
        return distance;
    }
}
