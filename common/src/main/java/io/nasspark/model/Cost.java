package io.nasspark.model;

/**
 * Analytic cost of a network for one input sample.
 *
 * @param flops multiply-accumulates of the convolutions and linear layers (Eq. 3.18, FLOPs =
 *     H·W·I·O·K², with I/groups input channels per filter)
 * @param params trainable parameters (weights, biases, BatchNorm scale and shift)
 * @param memoryAccesses elements read and written by the convolutions and linear layers: input
 *     map, output map and weights (Eq. 3.18, MACs = H·W·(I + O) + I·O·K², with the input and
 *     output maps taken at their own sizes when the stride is not 1)
 * @param output the shape of the network's output
 */
public record Cost(long flops, long params, long memoryAccesses, FeatureShape output) {}
