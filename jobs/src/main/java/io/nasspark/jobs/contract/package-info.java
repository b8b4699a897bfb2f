/**
 * The job contract every evaluating job follows, in one place: output rows keyed by candidate
 * id plus the job's own key; keys already stored are skipped; work is committed in batches,
 * each one keyed {@code MERGE INTO} (so a killed job leaves whole batches and a re-run finishes
 * the rest); a candidate that fails becomes a row with status {@code failed} and the error
 * instead of failing the job; {@code --retry-failed} evaluates failed rows again and replaces
 * them. The run itself is recorded by {@link io.nasspark.jobs.cli.SparkJob}.
 */
package io.nasspark.jobs.contract;
