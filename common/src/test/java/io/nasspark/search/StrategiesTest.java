package io.nasspark.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nasspark.pareto.ParetoRanking;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.nb201.Nb201Op;
import io.nasspark.space.nb201.Nb201Space;
import io.nasspark.util.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The strategies on nb201 with a fitness computed from the cell (conv 3x3 is worth most) and a
 * constraint of at most four 3x3 convolutions: the best reachable fitness is 4 × 3 + 2 × 2 = 16.
 */
class StrategiesTest {

    private static final SearchSpace NB201 = SearchSpaces.byName("nb201");
    private static final Predicate<Candidate> AT_MOST_FOUR_3X3 = c -> count(c, Nb201Op.NOR_CONV_3X3) <= 4;

    private static int count(Candidate c, Nb201Op op) {
        int n = 0;
        for (int i = 0; i < Nb201Space.EDGES; i++) {
            n += Nb201Space.op(c, i) == op ? 1 : 0;
        }
        return n;
    }

    private static double fitness(Candidate c) {
        return 3 * count(c, Nb201Op.NOR_CONV_3X3) + 2 * count(c, Nb201Op.NOR_CONV_1X1)
                + count(c, Nb201Op.AVG_POOL_3X3) + 0.5 * count(c, Nb201Op.SKIP_CONNECT);
    }

    /** Runs generations {@code from.generation()+1 .. generations}; returns every state. */
    private static List<SearchState> run(SearchStrategy s, long seed, int generations, SearchState from) {
        List<SearchState> states = new ArrayList<>();
        SearchState state = from;
        while (state.generation() < generations) {
            int g = state.generation() + 1;
            Proposer proposer = new Proposer(NB201, AT_MOST_FOUR_3X3, Seeds.forItem(seed, g), 100);
            List<Individual> evaluated = s.propose(state, proposer).stream()
                    .map(p -> new Individual(p.candidate(), p.id(), new double[] {fitness(p.candidate())}, p.origin(),
                            p.parents(), g))
                    .toList();
            for (Individual i : evaluated) {
                assertTrue(AT_MOST_FOUR_3X3.test(i.candidate()), "only admissible candidates are proposed");
            }
            state = s.advance(state, evaluated);
            states.add(state);
        }
        return states;
    }

    /** Best fitness evaluated over the whole search (aging evolution's population forgets it). */
    private static double bestSeen(List<SearchState> states) {
        return states.stream().flatMap(s -> s.population().stream()).mapToDouble(Individual::fitness).max()
                .orElseThrow();
    }

    @Test
    void evolutionBeatsRandomSearchAtEqualEvaluations() {
        double evolution = 0;
        double aging = 0;
        double random = 0;
        int seeds = 10;
        for (long seed = 0; seed < seeds; seed++) {
            evolution += bestSeen(run(Strategies.byName("evolution", 10, 5, 0.5, 3), seed, 8, SearchState.start()));
            aging += bestSeen(run(Strategies.byName("aging", 10, 5, 0.5, 3), seed, 8, SearchState.start()));
            random += bestSeen(run(Strategies.byName("random", 10, 5, 0.5, 3), seed, 8, SearchState.start()));
        }
        assertTrue(evolution / seeds > random / seeds + 0.5, "evolution " + evolution / seeds + " vs random "
                + random / seeds);
        assertTrue(aging / seeds > random / seeds, "aging " + aging / seeds + " vs random " + random / seeds);
        assertTrue(evolution / seeds <= 16 && random / seeds <= 16, "the constraint caps fitness at 16");
    }

    @Test
    void aSearchResumedFromASavedStateEndsAsAnUninterruptedOne() {
        for (String name : List.of("evolution", "aging", "nsga2", "random")) {
            SearchStrategy s = Strategies.byName(name, 8, 4, 0.5, 3);
            List<SearchState> whole = run(s, 7, 6, SearchState.start());
            SearchState saved = new SearchState(whole.get(2).generation(), List.copyOf(whole.get(2).population()));
            List<SearchState> resumed = run(Strategies.byName(name, 8, 4, 0.5, 3), 7, 6, saved);
            assertEquals(last(whole), last(resumed), name);
            assertEquals(6, last(resumed).generation());
        }
        assertTrue(!last(run(Strategies.byName("evolution", 8, 4, 0.5, 3), 8, 6, SearchState.start()))
                .equals(last(run(Strategies.byName("evolution", 8, 4, 0.5, 3), 7, 6, SearchState.start()))),
                "another seed, another search");
    }

    @Test
    void aConstraintNoCandidateMeetsStopsAfterBoundedTries() {
        Proposer never = new Proposer(NB201, c -> false, Seeds.forItem(1, 1), 50);
        InfeasibleConstraintException e = assertThrows(InfeasibleConstraintException.class,
                () -> Strategies.byName("evolution", 4, 2, 0.5, 3).propose(SearchState.start(), never));
        assertTrue(e.getMessage().contains("after 200 candidates were drawn"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Strategies.byName("hill-climb", 4, 2, 0.5, 3));
    }

    @Test
    void nsga2KeepsTheNonDominatedAndSpreadsAlongTheFront() {
        double[][] points = {{1, 5}, {2, 4}, {3, 3}, {2, 2}, {1, 1}, {3, 3}, {0, 6}};
        assertEquals(List.of(1, 1, 1, 2, 3, 1, 1), toList(ParetoRanking.fronts(points)));
        double[] crowd = ParetoRanking.crowding(points, new int[] {6, 0, 1, 2});
        assertEquals(Double.POSITIVE_INFINITY, crowd[0]);
        assertEquals(Double.POSITIVE_INFINITY, crowd[3]);
        assertEquals((2 - 0) / 3.0 + (6 - 4) / 3.0, crowd[1], 1e-12);
        // Two objectives that pull apart: conv 3x3 count against cheapness (none edges).
        SearchStrategy s = Strategies.byName("nsga2", 12, 6, 0.5, 3);
        SearchState state = SearchState.start();
        for (int g = 1; g <= 6; g++) {
            Proposer p = new Proposer(NB201, c -> true, Seeds.forItem(3, g), 100);
            int gen = g;
            state = s.advance(state, s.propose(state, p).stream().map(x -> new Individual(x.candidate(), x.id(),
                    new double[] {count(x.candidate(), Nb201Op.NOR_CONV_3X3), count(x.candidate(), Nb201Op.NONE)},
                    x.origin(), x.parents(), gen)).toList());
        }
        double[][] kept = state.population().stream().map(Individual::objectives).toArray(double[][]::new);
        long firstFront = java.util.Arrays.stream(ParetoRanking.fronts(kept)).filter(f -> f == 1).count();
        assertTrue(firstFront >= 4, "most of the population should be on the front after 6 generations: "
                + firstFront);
        double maxSum = java.util.Arrays.stream(kept).mapToDouble(k -> k[0] + k[1]).max().orElseThrow();
        assertEquals(6.0, maxSum, "a front point uses every edge for one objective or the other");
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
