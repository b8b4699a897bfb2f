/** The {@code describe} job: one candidate, without Spark. */
package io.nasspark.jobs.describe;
