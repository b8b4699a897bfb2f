/** The {@code sample} job: candidates of a space with their analytic cost, into {@code architectures}. */
package io.nasspark.jobs.sample;
