package io.nasspark.search;

import java.util.List;

/**
 * Everything a strategy carries from one generation to the next, as a value: the generation
 * just completed and the population after it, in the strategy's order (oldest first for aging
 * evolution). Saving it with each generation and reading it back resumes a search exactly,
 * because a generation's random draws come from the search seed and the generation number.
 */
public record SearchState(int generation, List<Individual> population) {

    /** Before the first generation. */
    public static SearchState start() {
        return new SearchState(0, List.of());
    }
}
