/**
 * Table schemas with their versions, and the validating reader and writer every job uses to
 * reach the project's Iceberg catalog.
 */
package io.nasspark.schema;
