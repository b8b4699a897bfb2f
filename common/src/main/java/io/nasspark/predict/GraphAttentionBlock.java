package io.nasspark.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One graph layer with attention over neighbours (thesis §3.3.4, Eq. 3.13–3.15, in the form of
 * a graph attention layer): each node mixes the transformed features of its neighbours and
 * itself, weighted by a softmax over learned scores of each (node, neighbour) pair.
 *
 * <p>Input and output: {@code (H, M, nodes)} with node features H of shape (B, N, F), a
 * neighbourhood mask M (B, N, N) that is 1 where j is a neighbour of i or j = i for a real
 * node, and a node mask (B, N) that is 1 for real nodes (graphs are padded to N).
 */
final class GraphAttentionBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int units;
    private final Parameter weight;
    private final Parameter scoreSelf;
    private final Parameter scoreNeighbour;
    private final Parameter bias;

    GraphAttentionBlock(int units) {
        super(VERSION);
        this.units = units;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        scoreSelf = addParameter(Parameter.builder().setName("score_self").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(units, 1)).build());
        scoreNeighbour = addParameter(Parameter.builder().setName("score_neighbour")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(units, 1)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(units)).build());
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(inputShapes[0].get(2), units));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray h = inputs.get(0);
        NDArray neighbours = inputs.get(1);
        NDArray wh = h.matMul(store.getValue(weight, h.getDevice(), training)); // (B, N, D)
        NDArray self = wh.matMul(store.getValue(scoreSelf, h.getDevice(), training)); // (B, N, 1)
        NDArray other = wh.matMul(store.getValue(scoreNeighbour, h.getDevice(), training)); // (B, N, 1)
        NDArray scores = Activation.leakyRelu(self.add(other.transpose(0, 2, 1)), 0.2f);
        // Non-neighbours get a score far below any real one, so softmax gives them ~0 weight.
        NDArray masked = scores.add(neighbours.sub(1).mul(1e9f));
        NDArray attention = masked.softmax(2);
        NDArray out = Activation.relu(attention.matMul(wh).add(store.getValue(bias, h.getDevice(), training)));
        return new NDList(out, neighbours, inputs.get(2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape h = inputShapes[0];
        return new Shape[] {new Shape(h.get(0), h.get(1), units), inputShapes[1], inputShapes[2]};
    }
}
