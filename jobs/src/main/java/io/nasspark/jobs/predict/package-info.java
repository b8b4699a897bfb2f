/**
 * {@code nas train-predictor} and {@code nas predict}: latency and accuracy predictors fit on
 * the tables and applied to stored candidates at scale.
 */
package io.nasspark.jobs.predict;
