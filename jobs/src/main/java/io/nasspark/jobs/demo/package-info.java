/** The {@code demo} job: the pipeline so far, on the embedded default. */
package io.nasspark.jobs.demo;
