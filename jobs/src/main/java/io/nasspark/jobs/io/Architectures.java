package io.nasspark.jobs.io;

import io.nasspark.model.Cost;
import io.nasspark.model.CostModel;
import io.nasspark.model.FeatureShape;
import io.nasspark.schema.ArchitectureRow;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.sql.Timestamp;

/** Builds {@code architectures} rows from candidates: strings, ids and the analytic cost. */
public final class Architectures {

    private Architectures() {}

    /**
     * The row for {@code c} built for {@code inputSize} px and {@code classes} outputs.
     *
     * @param sampler how the candidate came: enumerate, permutation, uniform, imported
     * @param seed seed of the draw, or null
     * @param index position in the draw or the imported file
     */
    public static ArchitectureRow row(SearchSpace space, Candidate c, int inputSize, int classes,
            String sampler, Long seed, long index, String runId, Timestamp createdAt) {
        Cost cost = CostModel.of(space.network(c, inputSize, classes), FeatureShape.image(3, inputSize));
        return new ArchitectureRow(space.id(c), space.name(), space.version(), space.format(c),
                space.canonicalId(c), space.encoding(c), cost.flops(), cost.params(), cost.memoryAccesses(),
                inputSize, classes, sampler, seed, index, runId, createdAt);
    }
}
