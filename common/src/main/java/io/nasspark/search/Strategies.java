package io.nasspark.search;

import io.nasspark.pareto.ParetoRanking;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The strategies: evolution (Algorithm 2, thesis §4.3.5, generalised), regularized (aging)
 * evolution (Real et al.), NSGA-II selection for several objectives, and random search, the
 * baseline every result is compared against. The first generation of each is drawn at random.
 */
public final class Strategies {

    private Strategies() {}

    /** Fitness descending, then id, so equal fitness sorts the same on every machine. */
    static final Comparator<Individual> BEST_FIRST =
            Comparator.comparingDouble(Individual::fitness).reversed().thenComparing(Individual::id);

    /** A strategy by name, with population P, parents k, rate r and tournament size s. */
    public static SearchStrategy byName(String name, int population, int keep, double rate, int tournament) {
        if (population < 2) {
            throw new IllegalArgumentException("--population must be at least 2, got " + population);
        }
        return switch (name) {
            case "evolution" -> new Evolution(population, Math.min(keep, population), rate);
            case "aging" -> new Aging(population, Math.min(tournament, population), rate);
            case "nsga2" -> new Nsga2(population, rate);
            case "random" -> new RandomSearch(population);
            default -> throw new IllegalArgumentException("--strategy must be evolution, aging, nsga2 or random, got "
                    + name);
        };
    }

    private static Set<String> ids(List<Individual> population) {
        return population.stream().map(Individual::id).collect(Collectors.toSet());
    }

    /** Individuals by id, the later of two with the same id dropped. */
    private static List<Individual> distinct(List<Individual> a, List<Individual> b) {
        Map<String, Individual> byId = new LinkedHashMap<>();
        a.forEach(i -> byId.putIfAbsent(i.id(), i));
        b.forEach(i -> byId.putIfAbsent(i.id(), i));
        return new ArrayList<>(byId.values());
    }

    /** The next state holding the best {@code population} of the current members and the evaluated. */
    private static SearchState keepBest(SearchState state, List<Individual> evaluated, int population) {
        List<Individual> next = distinct(state.population(), evaluated).stream().sorted(BEST_FIRST)
                .limit(population).toList();
        return new SearchState(state.generation() + 1, next);
    }

    private abstract static class Base implements SearchStrategy {
        final int population;

        Base(int population) {
            this.population = population;
        }

        @Override
        public int populationSize() {
            return population;
        }

        @Override
        public List<Proposal> propose(SearchState state, Proposer proposer) {
            if (state.population().isEmpty()) {
                return proposer.fill(population, Set.of(), proposer::random);
            }
            return offspring(state, proposer);
        }

        abstract List<Proposal> offspring(SearchState state, Proposer proposer);
    }

    /**
     * Algorithm 2: keep the population's top k as parents; each child is a crossover of two
     * parents with probability r, then mutated at rate r; the next population is the best P of
     * parents and children together.
     */
    static final class Evolution extends Base {
        private final int keep;
        private final double rate;

        Evolution(int population, int keep, double rate) {
            super(population);
            this.keep = keep;
            this.rate = rate;
        }

        @Override
        public String name() {
            return "evolution";
        }

        @Override
        List<Proposal> offspring(SearchState state, Proposer proposer) {
            List<Individual> parents = state.population().stream().sorted(BEST_FIRST).limit(keep).toList();
            return proposer.fill(population, ids(state.population()), () -> proposer.child(
                    parents.get(proposer.rng().nextInt(parents.size())),
                    parents.get(proposer.rng().nextInt(parents.size())), rate));
        }

        @Override
        public SearchState advance(SearchState state, List<Individual> evaluated) {
            return keepBest(state, evaluated, population);
        }
    }

    /**
     * Regularized evolution: each child mutates the best of s members drawn at random; the
     * children join the population and the oldest members leave, keeping P.
     */
    static final class Aging extends Base {
        private final int tournament;
        private final double rate;

        Aging(int population, int tournament, double rate) {
            super(population);
            this.tournament = tournament;
            this.rate = rate;
        }

        @Override
        public String name() {
            return "aging";
        }

        @Override
        List<Proposal> offspring(SearchState state, Proposer proposer) {
            List<Individual> members = state.population();
            return proposer.fill(population, ids(members), () -> {
                Individual best = null;
                for (int i = 0; i < tournament; i++) {
                    Individual drawn = members.get(proposer.rng().nextInt(members.size()));
                    best = best == null || BEST_FIRST.compare(drawn, best) < 0 ? drawn : best;
                }
                return proposer.mutant(best, rate);
            });
        }

        @Override
        public SearchState advance(SearchState state, List<Individual> evaluated) {
            List<Individual> all = distinct(state.population(), evaluated);
            return new SearchState(state.generation() + 1, all.subList(Math.max(0, all.size() - population),
                    all.size()));
        }
    }

    /**
     * NSGA-II: parents by binary tournament on front and crowding; the next population fills by
     * fronts, the last one cut by crowding distance.
     */
    static final class Nsga2 extends Base {
        private final double rate;

        Nsga2(int population, double rate) {
            super(population);
            this.rate = rate;
        }

        @Override
        public String name() {
            return "nsga2";
        }

        @Override
        List<Proposal> offspring(SearchState state, Proposer proposer) {
            List<Individual> members = state.population();
            double[][] points = members.stream().map(Individual::objectives).toArray(double[][]::new);
            int[] front = ParetoRanking.fronts(points);
            double[] crowd = crowdingOfAll(points, front);
            return proposer.fill(population, ids(members), () -> proposer.child(
                    tournament(members, front, crowd, proposer), tournament(members, front, crowd, proposer), rate));
        }

        private static Individual tournament(List<Individual> members, int[] front, double[] crowd, Proposer p) {
            int a = p.rng().nextInt(members.size());
            int b = p.rng().nextInt(members.size());
            if (front[a] != front[b]) {
                return members.get(front[a] < front[b] ? a : b);
            }
            return members.get(crowd[a] >= crowd[b] ? a : b);
        }

        @Override
        public SearchState advance(SearchState state, List<Individual> evaluated) {
            List<Individual> all = distinct(state.population(), evaluated);
            all.sort(Comparator.comparing(Individual::id));
            double[][] points = all.stream().map(Individual::objectives).toArray(double[][]::new);
            int[] front = ParetoRanking.fronts(points);
            double[] crowd = crowdingOfAll(points, front);
            Integer[] order = new Integer[all.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, Comparator.<Integer>comparingInt(i -> front[i])
                    .thenComparing(i -> -crowd[i]).thenComparing(i -> all.get(i).id()));
            List<Individual> next = new ArrayList<>();
            for (int i = 0; i < Math.min(population, order.length); i++) {
                next.add(all.get(order[i]));
            }
            return new SearchState(state.generation() + 1, next);
        }

        private static double[] crowdingOfAll(double[][] points, int[] front) {
            double[] crowd = new double[points.length];
            int fronts = java.util.Arrays.stream(front).max().orElse(0);
            for (int f = 1; f <= fronts; f++) {
                int rank = f;
                int[] members = java.util.stream.IntStream.range(0, points.length).filter(i -> front[i] == rank)
                        .toArray();
                double[] d = ParetoRanking.crowding(points, members);
                for (int k = 0; k < members.length; k++) {
                    crowd[members[k]] = d[k];
                }
            }
            return crowd;
        }
    }

    /** Random search: every generation drawn uniformly; the population is the best P seen. */
    static final class RandomSearch extends Base {
        RandomSearch(int population) {
            super(population);
        }

        @Override
        public String name() {
            return "random";
        }

        @Override
        List<Proposal> offspring(SearchState state, Proposer proposer) {
            return proposer.fill(population, ids(state.population()), proposer::random);
        }

        @Override
        public SearchState advance(SearchState state, List<Individual> evaluated) {
            return keepBest(state, evaluated, population);
        }
    }
}
