package io.nasspark.space;

import java.util.Arrays;

/**
 * One network of a search space, as the space's vector of choices (its genes). What each gene
 * means is the space's business; a candidate only knows which space it belongs to.
 */
public final class Candidate {

    private final String space;
    private final int[] genes;

    public Candidate(String space, int[] genes) {
        this.space = space;
        this.genes = genes.clone();
    }

    public String space() {
        return space;
    }

    /** A copy of the genes. */
    public int[] genes() {
        return genes.clone();
    }

    public int gene(int i) {
        return genes[i];
    }

    public int length() {
        return genes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Candidate c && space.equals(c.space) && Arrays.equals(genes, c.genes);
    }

    @Override
    public int hashCode() {
        return 31 * space.hashCode() + Arrays.hashCode(genes);
    }

    @Override
    public String toString() {
        return space + Arrays.toString(genes);
    }
}
