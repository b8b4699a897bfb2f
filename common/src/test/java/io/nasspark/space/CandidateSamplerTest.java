package io.nasspark.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidateSamplerTest {

    @Test
    void smallSpacesAreDrawnWithoutRepeats() {
        SearchSpace nb201 = SearchSpaces.byName("nb201");
        CandidateSampler sampler = new CandidateSampler(nb201, 42);
        assertEquals("permutation", CandidateSampler.method(nb201));
        assertEquals("uniform", CandidateSampler.method(SearchSpaces.byName("mbconv")));
        Set<Candidate> seen = new HashSet<>();
        for (long i = 0; i < 15_625; i++) {
            seen.add(sampler.at(i));
        }
        assertEquals(15_625, seen.size());
        assertThrows(IllegalArgumentException.class, () -> sampler.at(15_625));
    }

    @Test
    void anItemDependsOnlyOnSeedAndPosition() {
        for (String name : List.of("nb201", "mbconv", "mbconv-small", "graft:mbconv-small")) {
            SearchSpace space = SearchSpaces.byName(name);
            CandidateSampler first = new CandidateSampler(space, 5);
            CandidateSampler again = new CandidateSampler(space, 5);
            CandidateSampler other = new CandidateSampler(space, 6);
            int differ = 0;
            for (long i = 999; i >= 0; i--) { // reverse order: no hidden sequential state
                assertEquals(first.at(i), again.at(i));
                differ += first.at(i).equals(other.at(i)) ? 0 : 1;
            }
            assertEquals(true, differ > 900, name + ": seeds 5 and 6 agree too often");
        }
    }

    @Test
    void unknownSpacesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchSpaces.byName("darts"));
        assertEquals("unknown space 'darts' (known: nb201, mbconv, mbconv-small, mbconv-mini, mbconv-hybrid, mbconv-small-hybrid, mbconv-mini-hybrid, graft:BASE)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SearchSpaces.byName("nb201", true));
    }
}
