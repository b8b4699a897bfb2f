package io.nasspark.space;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Base for spaces whose candidates are fixed-length vectors of independent choices, gene i
 * taking one of {@code arity[i]} values. A space may hold some genes fixed at a default (an
 * optional part of the encoding that this instance does not search). Sampling, mutation,
 * crossover, enumeration and the one-hot vector follow; subclasses say what the genes mean.
 */
public abstract class GeneSpace implements SearchSpace {

    private static final int MAX_MUTATION_TRIES = 64;

    private final int[] arity;
    private final int[] defaults;
    private final boolean[] searched;

    /** Every gene searched. */
    protected GeneSpace(int[] arity) {
        this(arity, new int[arity.length], all(arity.length));
    }

    /** Genes with {@code searched[i] == false} stay at {@code defaults[i]} when drawn. */
    protected GeneSpace(int[] arity, int[] defaults, boolean[] searched) {
        if (arity.length != defaults.length || arity.length != searched.length) {
            throw new IllegalArgumentException("arity, defaults and searched differ in length");
        }
        this.arity = arity.clone();
        this.defaults = defaults.clone();
        this.searched = searched.clone();
    }

    /** {@code n} genes all searched. */
    protected static boolean[] all(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    /** {@code n} copies of {@code value}: a uniform arity or default. */
    protected static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    /** The number of genes a candidate drawn from this space has. */
    public int genes() {
        return arity.length;
    }

    /** Choices for gene {@code i}. */
    public int arity(int i) {
        return arity[i];
    }

    /** Whether this instance draws and mutates gene {@code i}. */
    public boolean searched(int i) {
        return searched[i];
    }

    /** Number of encodings this instance can draw: the product of the searched arities. */
    @Override
    public BigInteger size() {
        BigInteger size = BigInteger.ONE;
        for (int i = 0; i < arity.length; i++) {
            if (searched[i]) {
                size = size.multiply(BigInteger.valueOf(arity[i]));
            }
        }
        return size;
    }

    @Override
    public Candidate sample(SplittableRandom rng) {
        int[] g = defaults.clone();
        for (int i = 0; i < g.length; i++) {
            if (searched[i]) {
                g[i] = rng.nextInt(arity[i]);
            }
        }
        return normalize(g);
    }

    /**
     * The candidate with enumeration index {@code index}, reading the searched genes as the
     * digits of a mixed-radix number (the first gene most significant).
     */
    public Candidate candidate(long index) {
        if (index < 0 || BigInteger.valueOf(index).compareTo(size()) >= 0) {
            throw new IllegalArgumentException(
                    name() + ": index " + index + " is outside 0.." + size().subtract(BigInteger.ONE));
        }
        int[] g = defaults.clone();
        long rest = index;
        for (int i = g.length - 1; i >= 0; i--) {
            if (searched[i]) {
                g[i] = (int) (rest % arity[i]);
                rest /= arity[i];
            }
        }
        return normalize(g);
    }

    @Override
    public Candidate mutate(Candidate parent, double rate, SplittableRandom rng) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("mutation rate must be in [0, 1], got " + rate);
        }
        check(parent);
        int[] base = parent.genes();
        String parentEncoding = encoding(parent);
        Candidate child = parent;
        // A change to a gene without effect (say the width of a skip layer) is no mutation.
        for (int attempt = 0; attempt < MAX_MUTATION_TRIES; attempt++) {
            int[] g = base.clone();
            boolean changed = false;
            for (int i = 0; i < g.length; i++) {
                if (searched[i] && arity[i] > 1 && rng.nextDouble() < rate) {
                    g[i] = redraw(g[i], arity[i], rng);
                    changed = true;
                }
            }
            if (!changed) {
                int i = searchableGene(rng);
                g[i] = redraw(g[i], arity[i], rng);
            }
            child = normalize(g);
            if (!encoding(child).equals(parentEncoding)) {
                return child;
            }
        }
        return child;
    }

    @Override
    public Candidate crossover(Candidate a, Candidate b, SplittableRandom rng) {
        check(a);
        check(b);
        int[] ga = a.genes();
        int[] gb = b.genes();
        int[] g = new int[ga.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = rng.nextBoolean() ? ga[i] : gb[i];
        }
        return normalize(g);
    }

    /** One-hot blocks of the searched genes, concatenated in gene order. */
    @Override
    public float[] oneHot(Candidate c) {
        check(c);
        int width = 0;
        for (int i = 0; i < arity.length; i++) {
            width += searched[i] ? arity[i] : 0;
        }
        float[] v = new float[width];
        int offset = 0;
        for (int i = 0; i < arity.length; i++) {
            if (searched[i]) {
                v[offset + c.gene(i)] = 1f;
                offset += arity[i];
            }
        }
        return v;
    }

    /** Builds a candidate from genes, putting ineffective choices in a canonical state. */
    protected Candidate normalize(int[] genes) {
        return new Candidate(name(), genes);
    }

    /** Throws if the candidate is not of this space or a gene is out of range. */
    protected void check(Candidate c) {
        if (!name().equals(c.space())) {
            throw new IllegalArgumentException(
                    "candidate of space " + c.space() + " given to space " + name());
        }
        if (c.length() != arity.length) {
            throw new IllegalArgumentException(
                    name() + ": expected " + arity.length + " genes, got " + c.length());
        }
        for (int i = 0; i < arity.length; i++) {
            if (c.gene(i) < 0 || c.gene(i) >= arity[i]) {
                throw new IllegalArgumentException(
                        name() + ": gene " + i + " is " + c.gene(i) + ", expected 0.." + (arity[i] - 1));
            }
        }
    }

    private int searchableGene(SplittableRandom rng) {
        int i;
        do {
            i = rng.nextInt(arity.length);
        } while (!searched[i] || arity[i] < 2);
        return i;
    }

    private static int redraw(int current, int arity, SplittableRandom rng) {
        int next = rng.nextInt(arity - 1);
        return next >= current ? next + 1 : next;
    }

    /** Genes as comma-separated integers, the usual canonical encoding. */
    protected static String joinGenes(int[] genes, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) {
                sb.append(',');
            }
            sb.append(genes[i]);
        }
        return sb.toString();
    }
}
