/** Hashing and seeding helpers shared by the whole library. */
package io.nasspark.util;
