package io.nasspark.search.differentiable;

/**
 * LightNAS's learned trade-off λ between accuracy and latency (Eq. 4.10–4.11): the search
 * minimises {@code L + λ·(LAT/T − 1)} over w and α while λ follows gradient ascent,
 * {@code λ ← λ + η·(LAT/T − 1)}. A predicted latency above the target raises λ and so the
 * latency term's weight; below it, λ falls (below zero if need be, which rewards latency) until
 * the search settles on the target. No λ is tuned by hand.
 *
 * <p>Beyond the thesis, an optional proportional part: {@code λ = λ_I + k·(LAT/T − 1)} with λ_I
 * the ascent's sum. Gradient ascent alone is an integral controller; α answers λ only after a
 * lag (its argmax flips once the entries cross), so λ keeps rising while LAT is already falling
 * and the search swings around T. The proportional part lets λ drop as soon as LAT crosses T
 * (the PID Lagrangian of Stooke et al., ICML 2020). At {@code k = 0} this is Eq. 4.11 exactly.
 *
 * @param integral λ_I, the sum of the ascent steps (the thesis starts λ at 0)
 * @param excess {@code LAT/T − 1} at the last step (0 before the first)
 * @param learningRate η_λ (5e-4 in the thesis)
 * @param gain k, the proportional part (0: the thesis)
 * @param targetMs the latency target T
 */
public record LatencyTradeOff(double integral, double excess, double learningRate, double gain, double targetMs) {

    /** The thesis' start: λ = 0, pure gradient ascent. */
    public static LatencyTradeOff start(double learningRate, double targetMs) {
        return new LatencyTradeOff(0, 0, learningRate, 0, targetMs);
    }

    public LatencyTradeOff {
        if (!(targetMs > 0)) {
            throw new IllegalArgumentException("the latency target must be positive, got " + targetMs);
        }
        if (!(learningRate >= 0)) {
            throw new IllegalArgumentException("λ's learning rate must be 0 or more, got " + learningRate);
        }
        if (!(gain >= 0)) {
            throw new IllegalArgumentException("λ's proportional gain must be 0 or more, got " + gain);
        }
    }

    /** λ now: the ascent's sum and the proportional part. */
    public double lambda() {
        return integral + gain * excess;
    }

    /** {@code LAT/T − 1}: the latency term's factor, and λ's gradient. */
    public double excessAt(double predictedMs) {
        return predictedMs / targetMs - 1;
    }

    /** λ after one ascent step at {@code predictedMs}. */
    public LatencyTradeOff after(double predictedMs) {
        double e = excessAt(predictedMs);
        return new LatencyTradeOff(integral + learningRate * e, e, learningRate, gain, targetMs);
    }
}
