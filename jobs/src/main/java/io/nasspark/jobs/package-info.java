/** The {@code nas} command line: one entry point for every job. */
package io.nasspark.jobs;
