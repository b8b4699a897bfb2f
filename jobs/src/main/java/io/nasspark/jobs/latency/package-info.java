/** {@code nas measure-latency}: DJL inference latency of stored candidates, spread over executors. */
package io.nasspark.jobs.latency;
