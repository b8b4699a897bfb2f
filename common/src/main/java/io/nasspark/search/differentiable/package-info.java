/**
 * The pieces of differentiable architecture search (thesis ch. 3 SurgeNAS, ch. 4 LightNAS):
 * single-path sampling of operators from architecture parameters by the binarized Gumbel
 * softmax with a straight-through gradient, ordered sampling without replacement, and the
 * schedules and the learned latency trade-off the searches use. A supernet and a search loop
 * wire these together; nothing here knows of Spark.
 */
package io.nasspark.search.differentiable;
