package io.nasspark.pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The exact hypervolume of a set of points, all objectives minimised: the measure of the region
 * they dominate that is bounded by a reference point. Points not strictly better than the
 * reference in every objective add nothing. Two dimensions by a sweep, more by slicing along the
 * last objective (exact; fine for fronts of hundreds of points in three dimensions).
 */
public final class Hypervolume {

    private Hypervolume() {}

    public static double of(List<double[]> points, double[] reference) {
        List<double[]> inside = new ArrayList<>();
        for (double[] p : points) {
            boolean strictlyBetter = true;
            for (int i = 0; i < reference.length; i++) {
                strictlyBetter &= p[i] < reference[i];
            }
            if (strictlyBetter) {
                inside.add(p);
            }
        }
        return slice(inside, reference, reference.length);
    }

    private static double slice(List<double[]> points, double[] ref, int dims) {
        if (points.isEmpty()) {
            return 0;
        }
        if (dims == 1) {
            return ref[0] - points.stream().mapToDouble(p -> p[0]).min().getAsDouble();
        }
        if (dims == 2) {
            return sweep(points, ref);
        }
        int last = dims - 1;
        List<double[]> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(p -> p[last]));
        double volume = 0;
        List<double[]> below = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            below.add(sorted.get(i));
            double next = i + 1 < sorted.size() ? sorted.get(i + 1)[last] : ref[last];
            double depth = next - sorted.get(i)[last];
            if (depth > 0) {
                volume += depth * slice(below, ref, last);
            }
        }
        return volume;
    }

    private static double sweep(List<double[]> points, double[] ref) {
        double[][] sorted = points.toArray(double[][]::new);
        Arrays.sort(sorted, Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        double area = 0;
        double ceiling = ref[1];
        for (double[] p : sorted) {
            if (p[1] < ceiling) {
                area += (ref[0] - p[0]) * (ceiling - p[1]);
                ceiling = p[1];
            }
        }
        return area;
    }
}
