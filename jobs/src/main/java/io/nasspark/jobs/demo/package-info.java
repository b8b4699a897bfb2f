/** The {@code demo} job: the built-in demo pipeline, every stage of a search on this machine. */
package io.nasspark.jobs.demo;
