/** What every job shares: Spark options and sessions, the job life cycle, output and progress. */
package io.nasspark.jobs.cli;
