package io.nasspark.search.differentiable;

/**
 * The schedules of the differentiable searches, each a function of progress through the search
 * (0 at the first step, 1 after the last).
 */
public final class SearchSchedules {

    private SearchSchedules() {}

    /**
     * The Gumbel softmax temperature, decayed geometrically from {@code start} to {@code end}
     * (LightNAS: from 5 toward 0, §4.3.3; SurgeNAS: from 1, §3.3.3). The thesis says only
     * "gradually decays"; geometric keeps the late, nearly discrete phase as long as the early one.
     */
    public static double temperature(double start, double end, double progress) {
        if (!(start > 0 && end > 0)) {
            throw new IllegalArgumentException("temperatures must be positive, got " + start + " and " + end);
        }
        return start * Math.pow(end / start, clamp(progress));
    }

    /**
     * SurgeNAS's weight φ of the identity mapping beside every operator (Eq. 3.6, 3.10): {@code
     * start} (the thesis: 2) at the start, decaying linearly to 0 at the end, so the search ends
     * as a plain one. A start of 0 is the ablation without it.
     */
    public static double identityWeight(double start, double progress) {
        return start * (1 - clamp(progress));
    }

    private static double clamp(double progress) {
        if (Double.isNaN(progress)) {
            throw new IllegalArgumentException("progress is NaN");
        }
        return Math.max(0, Math.min(1, progress));
    }
}
