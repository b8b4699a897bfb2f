/**
 * Predictors of latency and accuracy from a candidate's encoding, and the metrics they are
 * judged by. No Spark: the {@code train-predictor} and {@code predict} jobs feed them.
 */
package io.nasspark.predict;
