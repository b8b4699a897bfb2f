package io.nasspark.jobs.train;

import io.nasspark.data.TinyTask;
import io.nasspark.jobs.contract.StoredCandidates;
import io.nasspark.model.DjlNetworkBuilder;
import io.nasspark.model.Layer;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
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

    int threads() {
        return threads;
    }

    /** Seed of a candidate's initial weights: the recipe's seed mixed with the id, so order does not matter. */
    long initSeed(Row candidate) {
        return Seeds.mix(recipe.seed(), candidate.<String>getAs("id").hashCode());
    }

    /** The candidate's training images, checked against its classifier. */
    ImageBatches trainData(Row candidate) {
        ImageBatches data = TrainingData.train(dataset, tiny, candidate.<Integer>getAs("input_size"), recipe.images());
        int classes = candidate.<Integer>getAs("classes");
        if (data.classes() != classes) {
            throw new IllegalStateException("candidate has " + classes + " outputs but " + dataset + " has "
                    + data.classes() + " classes");
        }
        return data;
    }

    ImageBatches testData(Row candidate, int testImages) {
        return TrainingData.test(dataset, tiny, candidate.<Integer>getAs("input_size"), recipe.images(), testImages);
    }

    /** A seeded trainer over the candidate's freshly built network. */
    ImageTrainer trainer(Row candidate, ImageBatches data) {
        return trainer(network(candidate), candidate, data);
    }

    /** A seeded trainer over {@code network} (say, the candidate's after merging). */
    ImageTrainer trainer(Layer network, Row candidate, ImageBatches data) {
        return new ImageTrainer(DjlNetworkBuilder.build(network), data, recipe, initSeed(candidate), threads);
    }

    /** The candidate's network. */
    Layer network(Row candidate) {
        SearchSpace space = SearchSpaces.byName(candidate.getAs("space"));
        Candidate c = StoredCandidates.parse(space, candidate);
        return space.network(c, candidate.<Integer>getAs("input_size"), candidate.<Integer>getAs("classes"));
    }
}
