package io.nasspark.search;

import io.nasspark.space.Candidate;
import java.util.Arrays;
import java.util.List;

/**
 * A candidate with its evaluation, as a search keeps it.
 *
 * @param id the candidate's stable id
 * @param objectives values to maximise; one for single-objective fitness
 * @param origin how it was made: random, mutation, crossover
 * @param parents ids of its parents
 * @param born generation it was evaluated in (its age, for aging evolution)
 */
public record Individual(Candidate candidate, String id, double[] objectives, String origin, List<String> parents,
        int born) {

    /** The first objective: the fitness of single-objective strategies. */
    public double fitness() {
        return objectives[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Individual other && id.equals(other.id) && Arrays.equals(objectives, other.objectives)
                && origin.equals(other.origin) && parents.equals(other.parents) && born == other.born;
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Arrays.hashCode(objectives);
    }
}
