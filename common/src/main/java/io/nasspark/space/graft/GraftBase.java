package io.nasspark.space.graft;

import io.nasspark.model.Layer;
import java.util.List;

/** The network a grafting space starts from, as a row of building blocks that can be grafted. */
public interface GraftBase {

    /** The name after {@code graft:} in the space's name. */
    String name();

    /** A name per building block, in order; the space has one bit per entry. */
    List<String> blockNames();

    /** A name per top-level layer of {@link #network} (stem parts, blocks, head), for messages. */
    List<String> layerNames();

    /**
     * The network with the blocks whose {@code keep} bit is false grafted: their inner
     * activations gone, their last activation kept (or added, for blocks that end linearly).
     */
    Layer network(boolean[] keep, int inputSize, int classes);

    int defaultInputSize();

    int defaultClasses();
}
