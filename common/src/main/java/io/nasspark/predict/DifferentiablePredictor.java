package io.nasspark.predict;

import ai.djl.ndarray.NDArray;

/**
 * A predictor that is a function of a candidate's one-hot encoding in the engine, so a
 * differentiable search can back-propagate the predicted latency of its relaxed architecture
 * into the architecture parameters (LightNAS Eq. 4.10). The MLP is; trees (gbt) are not.
 */
public interface DifferentiablePredictor {

    /**
     * Predictions for a {@code (batch, features)} array of encodings laid out as
     * {@link io.nasspark.space.SearchSpace#oneHot} lays them out (rows may be relaxed, not only
     * 0/1): a {@code (batch)} array, differentiable in the input.
     */
    NDArray predict(NDArray oneHot);
}
