package io.nasspark.jobs.contract;

import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import org.apache.spark.sql.Row;

/** Candidates read back from stored {@code architectures} rows. */
public final class StoredCandidates {

    private StoredCandidates() {}

    /**
     * The candidate a stored row describes, checked against its id: a row written by another
     * version of the space must not be evaluated as if it were this one.
     */
    public static Candidate parse(SearchSpace space, Row stored) {
        int version = stored.<Integer>getAs("space_version");
        if (version != space.version()) {
            throw new IllegalStateException("candidate is of " + space.name() + " v" + version
                    + " but this build has v" + space.version());
        }
        Candidate c = space.parse(stored.getAs("arch"));
        if (!space.id(c).equals(stored.getAs("id"))) {
            throw new IllegalStateException("arch '" + stored.getAs("arch") + "' does not hash to its id "
                    + stored.getAs("id"));
        }
        return c;
    }
}
