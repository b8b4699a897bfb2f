/**
 * Search spaces: candidates, their encodings and stable ids, sampling and variation. Each
 * space lives in its own sub-package and is found by name through {@link
 * io.nasspark.space.SearchSpaces}.
 */
package io.nasspark.space;
