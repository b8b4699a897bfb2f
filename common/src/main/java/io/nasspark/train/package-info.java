/**
 * Reproducible short training of candidate networks and the accuracy proxies computed from it:
 * BTE (Definition 4.1), TSE, Jacobian covariance. No Spark here; jobs wire it to tables.
 */
package io.nasspark.train;
