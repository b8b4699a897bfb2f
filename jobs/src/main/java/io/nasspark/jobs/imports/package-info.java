/** {@code nas import-table}: published or third-party benchmark tables into the project's tables. */
package io.nasspark.jobs.imports;
