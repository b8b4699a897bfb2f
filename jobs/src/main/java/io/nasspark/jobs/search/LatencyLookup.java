package io.nasspark.jobs.search;

import io.nasspark.predict.Predictor;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latency a search's constraint and second objective see: measured (the latency table's
 * medians, read once) or predicted on the driver by a stored latency predictor, one candidate
 * at a time as the proposer draws it. Either way every value used is remembered by id, so the
 * generation's rows record exactly what the search saw.
 */
final class LatencyLookup {

    private final Map<String, Double> seen;
    private final Predictor predictor;
    private final SearchSpace space;

    private LatencyLookup(Map<String, Double> seen, Predictor predictor, SearchSpace space) {
        this.seen = seen;
        this.predictor = predictor;
        this.space = space;
    }

    static LatencyLookup none() {
        return new LatencyLookup(new HashMap<>(), null, null);
    }

    static LatencyLookup measured(Map<String, Double> medians) {
        return new LatencyLookup(new HashMap<>(medians), null, null);
    }

    static LatencyLookup predicted(Predictor predictor, SearchSpace space) {
        return new LatencyLookup(new HashMap<>(), predictor, space);
    }

    /**
     * Latency of {@code c} in ms, or null when it was never measured or its prediction is no
     * latency at all (zero, negative or not a number: a linear fit on few rows extrapolates
     * there), so a bound never admits a candidate on such a value.
     */
    Double of(Candidate c, String id) {
        if (predictor != null && !seen.containsKey(id)) {
            double ms = predictor.predict(space, List.of(c))[0];
            seen.put(id, ms > 0 && Double.isFinite(ms) ? ms : null);
        }
        return seen.get(id);
    }

    /** Every latency looked up so far, by id. */
    Map<String, Double> seen() {
        return seen;
    }
}
