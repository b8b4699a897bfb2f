package io.nasspark.search;

import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Makes one generation's proposals for a strategy: draws, mutants and crossovers that meet the
 * constraint, each id at most once per generation, within a bounded number of tries.
 */
public final class Proposer {

    private final SearchSpace space;
    private final Predicate<Candidate> admissible;
    private final SplittableRandom rng;
    private final int triesPerProposal;

    /**
     * @param admissible the constraint (cheap: a predictor or the cost model); only candidates
     *     that meet it are proposed
     * @param rng this generation's random source
     * @param triesPerProposal candidates drawn per wanted proposal before giving up
     */
    public Proposer(SearchSpace space, Predicate<Candidate> admissible, SplittableRandom rng, int triesPerProposal) {
        this.space = space;
        this.admissible = admissible;
        this.rng = rng;
        this.triesPerProposal = triesPerProposal;
    }

    public SplittableRandom rng() {
        return rng;
    }

    /** A uniformly drawn candidate. */
    public Proposal random() {
        Candidate c = space.sample(rng);
        return new Proposal(c, space.id(c), "random", List.of());
    }

    /** A mutant of {@code parent}; at least one gene changes. */
    public Proposal mutant(Individual parent, double rate) {
        Candidate c = space.mutate(parent.candidate(), rate, rng);
        return new Proposal(c, space.id(c), "mutation", List.of(parent.id()));
    }

    /** With probability {@code rate} a crossover of the two parents, then a mutant of that at {@code rate}. */
    public Proposal child(Individual a, Individual b, double rate) {
        if (rng.nextDouble() < rate && !a.id().equals(b.id())) {
            Candidate crossed = space.crossover(a.candidate(), b.candidate(), rng);
            Candidate c = space.mutate(crossed, rate, rng);
            return new Proposal(c, space.id(c), "crossover", List.of(a.id(), b.id()));
        }
        return mutant(a, rate);
    }

    /**
     * {@code count} distinct proposals from {@code make} that meet the constraint and are not in
     * {@code exclude}.
     *
     * @throws InfeasibleConstraintException after {@code count × triesPerProposal} draws
     */
    public List<Proposal> fill(int count, Set<String> exclude, Supplier<Proposal> make) {
        List<Proposal> out = new ArrayList<>(count);
        Set<String> seen = new HashSet<>(exclude);
        long tries = (long) count * triesPerProposal;
        long drawn = 0;
        while (out.size() < count) {
            if (drawn++ >= tries) {
                throw new InfeasibleConstraintException("only " + out.size() + " of " + count
                        + " proposals met the constraint (or were new) after " + tries
                        + " candidates were drawn; relax the constraint");
            }
            Proposal p = make.get();
            if (!seen.contains(p.id()) && admissible.test(p.candidate())) {
                seen.add(p.id());
                out.add(p);
            }
        }
        return out;
    }
}
