package io.nasspark.search;

import java.util.List;

/**
 * A search strategy: what to evaluate next, and what to keep. It holds no state of its own
 * between calls; the {@link SearchState} value carries everything, so a search can be saved
 * after any generation and resumed. A strategy knows nothing of how candidates are evaluated.
 */
public interface SearchStrategy {

    /** Name as the command line and the tables give it. */
    String name();

    /** Candidates per generation. */
    int populationSize();

    /** The proposals of generation {@code state.generation() + 1}. */
    List<Proposal> propose(SearchState state, Proposer proposer);

    /** The state after that generation, given its proposals evaluated (in proposal order). */
    SearchState advance(SearchState state, List<Individual> evaluated);
}
