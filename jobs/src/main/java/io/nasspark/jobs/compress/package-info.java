/** Compression jobs: linear reparameterization of grafted networks (Domino, thesis ch. 5). */
package io.nasspark.jobs.compress;
