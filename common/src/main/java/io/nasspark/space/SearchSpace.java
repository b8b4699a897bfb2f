package io.nasspark.space;

import io.nasspark.model.Layer;
import io.nasspark.util.Hashing;
import java.math.BigInteger;
import java.util.SplittableRandom;

/**
 * A search space: what its candidates are, how to draw and vary them, and how to write them
 * down. Implementations hold no mutable state and are safe to share between threads.
 */
public interface SearchSpace {

    /** Short name used in tables and on the command line, such as {@code nb201}. */
    String name();

    /** Bumped whenever a change would give an existing encoding a different network. */
    int version();

    /** Number of distinct encodings in the space. */
    BigInteger size();

    /** A uniformly drawn candidate. */
    Candidate sample(SplittableRandom rng);

    /**
     * A child of {@code parent}: each searchable gene is redrawn to a different value with
     * probability {@code rate}, and at least one gene always changes.
     */
    Candidate mutate(Candidate parent, double rate, SplittableRandom rng);

    /** A child taking each gene from one of the two parents at random. */
    Candidate crossover(Candidate a, Candidate b, SplittableRandom rng);

    /** The readable string; {@link #parse} reads it back to an equal candidate. */
    String format(Candidate c);

    /** Reads a readable string. */
    Candidate parse(String arch) throws ArchParseException;

    /**
     * The canonical encoding: compact, and equal for two candidates exactly when they are the
     * same encoding of this space (after dropping choices that have no effect).
     */
    String encoding(Candidate c);

    /**
     * A key equal for candidates that compute the same function (isomorphic networks). By
     * default two candidates are isomorphic only when their encodings are equal.
     */
    default String isomorphismKey(Candidate c) {
        return encoding(c);
    }

    /**
     * Another candidate that runs the same operators on the same tensor shapes in the same
     * dependency structure, or null: a different encoding whose latency on any device can differ
     * from {@code c}'s only by measurement noise. Pairs of such twins estimate a table's noise.
     * By default a space knows of none.
     */
    default Candidate costTwin(Candidate c) {
        return null;
    }

    /** Flattened one-hot vector of the choices, the input of MLP predictors. */
    float[] oneHot(Candidate c);

    /** Adjacency and operator matrices, the input of graph predictors. */
    GraphEncoding graph(Candidate c);

    /** The network for a given square input size and number of classes. */
    Layer network(Candidate c, int inputSize, int classes);

    /** The input size the space was designed for. */
    int defaultInputSize();

    /** The class count the space was designed for. */
    int defaultClasses();

    /** Stable id: a hash of space name, version and canonical encoding. */
    default String id(Candidate c) {
        return Hashing.id128(name(), Integer.toString(version()), encoding(c));
    }

    /** The id shared by every candidate isomorphic to {@code c}. */
    default String canonicalId(Candidate c) {
        return Hashing.id128(name(), Integer.toString(version()), isomorphismKey(c));
    }
}
