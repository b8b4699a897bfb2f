package io.nasspark.search.differentiable;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Derives from α the most probable architecture under softmax(α) whose predicted latency lies
 * within {@code ±tolerance} of the target T: {@code max Σ_l log p_l(o_l)} subject to
 * {@code |LAT(o)/T − 1| ≤ tolerance}. Not in the thesis, which takes the argmax of α and relies on
 * λ to have put it at T; on a search of a few hundred steps the argmax lands anywhere within
 * ±20 % of T (docs/differentiable-search.md), while the architectures α all but ties with it
 * include some at T. The argmax is returned unchanged when it is already within the band.
 *
 * <p>A multiple-choice knapsack, solved by dynamic programming over the layers on a latency
 * model that adds one change per layer to the latency at a centre architecture (each change
 * measured by the predictor itself, so a lookup table is modelled exactly), keeping per latency
 * bucket the most probable partial choice. The buckets' best choices that the model puts in the
 * band are checked with the predictor, most probable first, and the first it confirms is the
 * answer. For a predictor that is not additive (an MLP) none may be confirmed: the model is then
 * rebuilt around the checked choice nearest T, up to {@link #ROUNDS} times. Without any choice
 * in the band it returns the one whose predicted latency came nearest T.
 */
public final class WithinTargetDerivation {

    /** Rebuilds of the additive model around the last choice, for predictors that are not additive. */
    static final int ROUNDS = 4;
    /** Latency buckets per tolerance band and layer: the pruning's error stays a fraction of the band. */
    private static final int BUCKETS_PER_BAND = 8;

    /** The choice: an operator index per layer, its predicted latency and its log-probability under α. */
    public record Choice(int[] operators, double predictedMs, double logProbability) {}

    private final double[][] logProbabilities;
    private final ToDoubleFunction<int[]> latency;
    private final double targetMs;
    private final double tolerance;
    private final double bucketMs;

    /**
     * @param logProbabilities log softmax(α), a row per layer
     * @param latency the predictor's latency of an architecture given as an operator index per layer
     * @param targetMs T
     * @param tolerance the band's half-width as a fraction of T
     */
    public WithinTargetDerivation(double[][] logProbabilities, ToDoubleFunction<int[]> latency, double targetMs,
            double tolerance) {
        this(logProbabilities, latency, targetMs, tolerance,
                2 * tolerance * targetMs / (BUCKETS_PER_BAND * logProbabilities.length));
    }

    /** With a given bucket width; tests make it small enough that the pruning is exact. */
    WithinTargetDerivation(double[][] logProbabilities, ToDoubleFunction<int[]> latency, double targetMs,
            double tolerance, double bucketMs) {
        if (!(targetMs > 0) || !(tolerance > 0) || !(bucketMs > 0)) {
            throw new IllegalArgumentException(
                    "the target, tolerance and bucket must be positive, got " + targetMs + ", " + tolerance + ", " + bucketMs);
        }
        this.logProbabilities = logProbabilities;
        this.latency = latency;
        this.targetMs = targetMs;
        this.tolerance = tolerance;
        this.bucketMs = bucketMs;
    }

    /** The most probable choice within the band, or the one nearest T if none is found. */
    public Choice derive() {
        Choice centre = choice(argmax());
        Choice nearest = centre;
        for (int round = 0; round < ROUNDS && !within(nearest.predictedMs()); round++) {
            Choice closest = null;
            for (int[] picked : withinModelledBand(centre)) {
                Choice c = choice(picked);
                if (within(c.predictedMs())) {
                    return c; // the most probable of the modelled band that the predictor confirms
                }
                if (closest == null || distanceFromTarget(c) < distanceFromTarget(closest)) {
                    closest = c;
                }
            }
            if (Arrays.equals(closest.operators(), centre.operators())) {
                break;
            }
            nearest = distanceFromTarget(closest) < distanceFromTarget(nearest) ? closest : nearest;
            centre = closest;
        }
        return nearest;
    }

    private double distanceFromTarget(Choice c) {
        return Math.abs(c.predictedMs() - targetMs);
    }

    private boolean within(double ms) {
        return Math.abs(ms / targetMs - 1) <= tolerance;
    }

    private Choice choice(int[] operators) {
        double logP = 0;
        for (int l = 0; l < operators.length; l++) {
            logP += logProbabilities[l][operators[l]];
        }
        return new Choice(operators.clone(), latency.applyAsDouble(operators), logP);
    }

    private int[] argmax() {
        int[] picks = new int[logProbabilities.length];
        for (int l = 0; l < picks.length; l++) {
            for (int o = 1; o < logProbabilities[l].length; o++) {
                if (logProbabilities[l][o] > logProbabilities[l][picks[l]]) {
                    picks[l] = o;
                }
            }
        }
        return picks;
    }

    /** A partial choice: the latency change so far, its log-probability, and how it got there. */
    private record Partial(double changeMs, double logP, Partial previous, int operator) {}

    /**
     * The dynamic programme on the additive model around {@code centre}: each layer's change of
     * operator adds what the predictor says it adds when made alone at the centre. Returns the
     * most probable choice of every latency bucket the model puts in the band, most probable
     * first, or the single choice nearest the band if the model puts none there.
     */
    private List<int[]> withinModelledBand(Choice centre) {
        int[] ops = centre.operators();
        double low = targetMs * (1 - tolerance) - centre.predictedMs();
        double high = targetMs * (1 + tolerance) - centre.predictedMs();
        Map<Long, Partial> partials = Map.of(0L, new Partial(0, 0, null, -1));
        for (int l = 0; l < ops.length; l++) {
            double[] changes = layerChanges(ops, l, centre.predictedMs());
            Map<Long, Partial> next = new HashMap<>();
            for (Partial p : partials.values()) {
                for (int o = 0; o < changes.length; o++) {
                    Partial q = new Partial(p.changeMs() + changes[o], p.logP() + logProbabilities[l][o], p, o);
                    next.merge(Math.round(q.changeMs() / bucketMs), q, (a, b) -> a.logP() >= b.logP() ? a : b);
                }
            }
            partials = next;
        }
        List<Partial> inBand = partials.values().stream()
                .filter(p -> distance(p.changeMs(), low, high) == 0)
                .sorted(Comparator.comparingDouble(Partial::logP).reversed())
                .toList();
        if (inBand.isEmpty()) {
            inBand = List.of(partials.values().stream()
                    .min(Comparator.comparingDouble(p -> distance(p.changeMs(), low, high)))
                    .orElseThrow());
        }
        return inBand.stream().map(p -> picks(p, ops.length)).toList();
    }

    private static int[] picks(Partial last, int layers) {
        int[] picks = new int[layers];
        Partial p = last;
        for (int l = layers - 1; l >= 0; l--, p = p.previous()) {
            picks[l] = p.operator();
        }
        return picks;
    }

    private static double distance(double x, double low, double high) {
        return x < low ? low - x : x > high ? x - high : 0;
    }

    /** What changing layer {@code l} of {@code centre} to each operator adds to its latency. */
    private double[] layerChanges(int[] centre, int l, double centreMs) {
        double[] changes = new double[logProbabilities[l].length];
        int[] changed = centre.clone();
        for (int o = 0; o < changes.length; o++) {
            changed[l] = o;
            changes[o] = o == centre[l] ? 0 : latency.applyAsDouble(changed) - centreMs;
        }
        return changes;
    }
}
