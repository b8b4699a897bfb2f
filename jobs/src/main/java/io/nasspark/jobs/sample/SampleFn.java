package io.nasspark.jobs.sample;

import io.nasspark.jobs.io.Architectures;
import io.nasspark.space.Candidate;
import io.nasspark.space.CandidateSampler;
import io.nasspark.space.GeneSpace;
import io.nasspark.space.SearchSpace;
import java.sql.Timestamp;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Turns draw positions into {@code architectures} rows: the candidate at each position, its
 * strings and ids, and its analytic cost. Each partition builds its space and sampler once.
 */
public final class SampleFn implements MapPartitionsFunction<Long, Row> {

    private final SampleOptions options;
    private final String runId;
    private final Timestamp createdAt;
    private final LongAccumulator done;

    /**
     * @param done counts candidates produced, for progress reports (a retried task counts
     *     twice, so it is an estimate)
     */
    public SampleFn(SampleOptions options, String runId, Timestamp createdAt, LongAccumulator done) {
        this.options = options;
        this.runId = runId;
        this.createdAt = createdAt;
        this.done = done;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> positions) {
        SearchSpace space = options.searchSpace();
        CandidateSampler sampler = options.all() ? null : new CandidateSampler(space, options.seed());
        String method = options.method();
        Long seed = options.all() ? null : options.seed();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return positions.hasNext();
            }

            @Override
            public Row next() {
                long position = positions.next();
                Candidate c = options.all()
                        ? ((GeneSpace) space).candidate(position)
                        : sampler.at(position);
                done.add(1);
                return Architectures.row(space, c, options.inputSize(), options.classes(), method, seed,
                        position, runId, createdAt).toRow();
            }
        };
    }
}
