package io.nasspark.search.differentiable;

/**
 * LightNAS's learned trade-off λ between accuracy and latency (Eq. 4.10–4.11): the search
 * minimises {@code L + λ·(LAT/T − 1)} over w and α while λ follows gradient ascent,
 * {@code λ ← λ + η·(LAT/T − 1)}. A predicted latency above the target raises λ and so the
 * latency term's weight; below it, λ falls (below zero if need be, which rewards latency) until
 * the search settles on the target. No λ is tuned by hand.
 *
 * @param lambda the current λ (the thesis starts at 0)
 * @param learningRate η_λ (5e-4 in the thesis)
 * @param targetMs the latency target T
 */
public record LatencyTradeOff(double lambda, double learningRate, double targetMs) {

    /** The thesis' start: λ = 0. */
    public static LatencyTradeOff start(double learningRate, double targetMs) {
        return new LatencyTradeOff(0, learningRate, targetMs);
    }

    public LatencyTradeOff {
        if (!(targetMs > 0)) {
            throw new IllegalArgumentException("the latency target must be positive, got " + targetMs);
        }
        if (!(learningRate >= 0)) {
            throw new IllegalArgumentException("λ's learning rate must be 0 or more, got " + learningRate);
        }
    }

    /** {@code LAT/T − 1}: the latency term's factor, and λ's gradient. */
    public double excess(double predictedMs) {
        return predictedMs / targetMs - 1;
    }

    /** λ after one ascent step at {@code predictedMs}. */
    public LatencyTradeOff after(double predictedMs) {
        return new LatencyTradeOff(lambda + learningRate * excess(predictedMs), learningRate, targetMs);
    }
}
