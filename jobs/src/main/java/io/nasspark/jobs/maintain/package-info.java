/** The {@code maintain} job: Iceberg's own table maintenance over the project's tables. */
package io.nasspark.jobs.maintain;
