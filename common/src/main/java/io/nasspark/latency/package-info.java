/**
 * Inference latency on the machine that runs the code: a recorded protocol, the device profile
 * it ran on, the measurement itself, and the harness's own cost. No Spark here; the
 * {@code measure-latency} job spreads {@link io.nasspark.latency.LatencyMeter} over executors.
 */
package io.nasspark.latency;
