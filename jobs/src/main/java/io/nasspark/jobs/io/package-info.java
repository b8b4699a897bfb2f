/** Run records in the {@code runs} table. */
package io.nasspark.jobs.io;
