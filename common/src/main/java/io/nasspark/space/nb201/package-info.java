/** The NAS-Bench-201 cell space and its benchmark string format. */
package io.nasspark.space.nb201;
