/** The {@code sql} job: Spark SQL over the tables. */
package io.nasspark.jobs.sql;
