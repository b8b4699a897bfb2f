/**
 * Networks: the {@link io.nasspark.model.Layer} description every space produces, its analytic
 * cost, and its DJL block.
 */
package io.nasspark.model;
