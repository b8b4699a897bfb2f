package io.nasspark.jobs.train;

import io.nasspark.data.TinyTask;
import io.nasspark.jobs.contract.StoredCandidates;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.Layer;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.train.ImageBatches;
import io.nasspark.train.ImageTrainer;
import io.nasspark.train.TrainingRecipe;
import io.nasspark.util.Seeds;
import java.io.Serializable;
import org.apache.spark.sql.Row;

/** What scoring and accuracy training share: a stored candidate's network, data and seeded trainer. */
final class CandidateTraining implements Serializable {

    private final String dataset;
    private final TinyTask tiny;
    private final TrainingRecipe recipe;
    private final int threads;
    private Linearization linearization = Linearization.FROM_START;
    private double fadeShare = 1;

    /**
     * How the linear blocks of a hybrid candidate (Double-Win NAS) learn: linear from the first
     * step; non-linear at first and faded to linear over a share of the steps (hybrid
     * transformable training); or non-linear throughout and made linear at once after training
     * (the baseline that hybrid training improves on).
     */
    enum Linearization {
        FROM_START("start"), GRADUAL("gradual"), AFTER("after");

        final String option;

        Linearization(String option) {
            this.option = option;
        }

        static Linearization of(String option) {
            for (Linearization l : values()) {
                if (l.option.equals(option)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("--linearize must be start, gradual or after, got " + option);
        }
    }

    CandidateTraining(String dataset, TrainingRecipe recipe, int threads) {
        this(dataset, null, recipe, threads);
    }

    /** Training on a tiny task cut from the dataset ({@code tiny} null for the whole dataset). */
    CandidateTraining(String dataset, TinyTask tiny, TrainingRecipe recipe, int threads) {
        this.dataset = dataset;
        this.tiny = tiny;
        this.recipe = recipe;
        this.threads = threads;
    }

    TrainingRecipe recipe() {
        return recipe;
    }

    /** This training with hybrid candidates' linear blocks learning as {@code mode} says ({@code share}: GRADUAL's). */
    CandidateTraining linearizing(Linearization mode, double share) {
        this.linearization = mode;
        this.fadeShare = share;
        return this;
    }

    /** What the recipe label gains: nothing for linear blocks linear from the start. */
    String linearizationLabel() {
        return switch (linearization) {
            case FROM_START -> "";
            case GRADUAL -> String.format(java.util.Locale.ROOT, "-lin-gradual%.2f", fadeShare);
            case AFTER -> "-lin-after";
        };
    }

    int threads() {
        return threads;
    }

    /** Seed of a candidate's initial weights: the recipe's seed mixed with the id, so order does not matter. */
    long initSeed(Row candidate) {
        return Seeds.mix(recipe.seed(), candidate.<String>getAs("id").hashCode());
    }

    /** The candidate's training images, checked against its classifier. */
    ImageBatches trainData(Row candidate) {
        return trainData(candidate, candidate.<Integer>getAs("input_size"));
    }

    /** The candidate's training images at {@code size} px. */
    ImageBatches trainData(Row candidate, int size) {
        ImageBatches data = TrainingData.train(dataset, tiny, size, recipe.images());
        int classes = candidate.<Integer>getAs("classes");
        if (data.classes() != classes) {
            throw new IllegalStateException("candidate has " + classes + " outputs but " + dataset + " has "
                    + data.classes() + " classes");
        }
        return data;
    }

    ImageBatches testData(Row candidate, int testImages) {
        return testData(candidate.<Integer>getAs("input_size"), testImages);
    }

    /** The test images at {@code size} px. */
    ImageBatches testData(int size, int testImages) {
        return TrainingData.test(dataset, tiny, size, recipe.images(), testImages);
    }

    /** A seeded trainer over the candidate's freshly built network. */
    ImageTrainer trainer(Row candidate, ImageBatches data) {
        return trainer(network(candidate), candidate, data);
    }

    /**
     * A seeded trainer over {@code network} (say, the candidate's after merging); with gradual
     * linearization, its fading activations fade over the recipe's steps.
     */
    ImageTrainer trainer(Layer network, Row candidate, ImageBatches data) {
        ImageTrainer trainer = new ImageTrainer(DjlNetworkBuilder.build(network), data, recipe, initSeed(candidate),
                threads);
        return linearization == Linearization.GRADUAL ? trainer.fadeNonLinearity(fadeShare) : trainer;
    }

    /** After the last epoch: linear blocks that trained non-linear become linear now ({@link Linearization#AFTER}). */
    void finishTraining(ImageTrainer trainer) {
        if (linearization == Linearization.AFTER) {
            trainer.setLinearity(1);
        }
    }

    /**
     * The network that trains: the candidate's, or with linearization other than from the start
     * the one whose linear blocks have fading activations ({@link MbConvSpace#fadingNetwork}).
     */
    Layer network(Row candidate) {
        if (linearization == Linearization.FROM_START) {
            return trainedNetwork(candidate);
        }
        SearchSpace space = SearchSpaces.byName(candidate.getAs("space"));
        if (!(space instanceof MbConvSpace mbconv) || !mbconv.isHybrid()) {
            throw new IllegalArgumentException("--linearize " + linearization.option + " needs a hybrid space's"
                    + " candidate (such as mbconv-mini-hybrid), not one of " + space.name());
        }
        return mbconv.fadingNetwork(StoredCandidates.parse(space, candidate), candidate.<Integer>getAs("input_size"),
                candidate.<Integer>getAs("classes"));
    }

    /**
     * The network the trained values belong to once training has finished: the candidate's own
     * (the fading network's parameters are, in order, its parameters, and it computes the same
     * once its activations are the identity).
     */
    Layer trainedNetwork(Row candidate) {
        SearchSpace space = SearchSpaces.byName(candidate.getAs("space"));
        return space.network(StoredCandidates.parse(space, candidate), candidate.<Integer>getAs("input_size"),
                candidate.<Integer>getAs("classes"));
    }
}
