package io.nasspark.space.graft;

import io.nasspark.model.Layer;
import io.nasspark.space.Candidate;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.space.mbconv.MbConvOp;
import java.util.Collections;
import java.util.List;

/** One candidate of an MBConv space as a grafting base: its MBConv blocks can be grafted. */
public record MbConvBase(MbConvSpace space, Candidate candidate) implements GraftBase {

    /**
     * The base when none is named: every searchable layer MBK3E6, MobileNetV2's kernel and
     * expansion (the thesis' baseline network in Table 5.2) on this space's channel layout.
     */
    public static MbConvBase mobileNetV2Like(MbConvSpace space) {
        String arch = String.join("-", Collections.nCopies(space.layers(), MbConvOp.MBK3E6.token()));
        return new MbConvBase(space, space.parse(arch));
    }

    /** {@code mbconv-small} for the MobileNetV2-like base, else {@code mbconv-small:ARCH}. */
    @Override
    public String name() {
        return candidate.equals(mobileNetV2Like(space).candidate()) ? space.name() : space.name() + ":" + space.format(candidate);
    }

    @Override
    public List<String> blockNames() {
        return space.blockNames(candidate);
    }

    @Override
    public List<String> layerNames() {
        return space.layerNames(candidate);
    }

    @Override
    public Layer network(boolean[] keep, int inputSize, int classes) {
        return space.network(candidate, inputSize, classes, keep);
    }

    @Override
    public int defaultInputSize() {
        return space.defaultInputSize();
    }

    @Override
    public int defaultClasses() {
        return space.defaultClasses();
    }
}
