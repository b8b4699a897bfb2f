package io.nasspark.jobs.sample;

import io.nasspark.model.CostModel;
import io.nasspark.model.FeatureShape;
import io.nasspark.space.CandidateSampler;
import io.nasspark.space.GeneSpace;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * What to sample. The compact constructor checks everything that can be checked before Spark
 * starts, so bad input fails fast with a message naming the option.
 *
 * @param space search space name
 * @param count candidates to draw (ignored with {@code all})
 * @param all enumerate the whole space instead of drawing
 * @param seed seed of the draw
 * @param channelScales also draw per-layer channel scales (MBConv spaces)
 * @param inputSize input resolution the cost model uses; 0 for the space's default
 * @param classes classifier outputs; 0 for the space's default
 * @param partitions Spark partitions; 0 to choose from the count and the cluster
 */
public record SampleOptions(
        String space,
        long count,
        boolean all,
        long seed,
        boolean channelScales,
        int inputSize,
        int classes,
        int partitions) implements Serializable {

    public SampleOptions {
        SearchSpace s = SearchSpaces.byName(space, channelScales);
        if (all) {
            if (!CandidateSampler.drawsPermutation(s) || !(s instanceof GeneSpace)) {
                throw new IllegalArgumentException("--all: space " + space + " has " + s.size()
                        + " candidates, too many to enumerate; use --count");
            }
        } else if (count <= 0) {
            throw new IllegalArgumentException("--count must be at least 1, got " + count);
        } else if (CandidateSampler.drawsPermutation(s) && count > s.size().longValueExact()) {
            throw new IllegalArgumentException("--count " + count + " is more than the "
                    + s.size() + " candidates of " + space + "; use --all");
        }
        if (inputSize < 0 || classes < 0 || partitions < 0) {
            throw new IllegalArgumentException(
                    "--input-size, --classes and --partitions must be positive");
        }
        inputSize = inputSize == 0 ? s.defaultInputSize() : inputSize;
        classes = classes == 0 ? s.defaultClasses() : classes;
        try {
            CostModel.of(s.network(s.sample(new SplittableRandom(seed)), inputSize, classes),
                    FeatureShape.image(3, inputSize));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--input-size " + inputSize + " does not fit space " + space + ": " + e.getMessage());
        }
    }

    /** The space, built fresh (spaces are cheap and stateless). */
    public SearchSpace searchSpace() {
        return SearchSpaces.byName(space, channelScales);
    }

    /** The {@code sampler} column: enumerate, permutation or uniform. */
    public String method() {
        return all ? "enumerate" : CandidateSampler.method(searchSpace());
    }

    /** How many positions the job draws. */
    public long draws() {
        return all ? searchSpace().size().longValueExact() : count;
    }
}
