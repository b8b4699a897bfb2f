package io.nasspark.jobs.train;

import io.nasspark.data.DatasetFormatException;
import io.nasspark.data.Datasets;
import io.nasspark.data.ImageSet;
import io.nasspark.train.ImageBatches;
import io.nasspark.train.TrainingRecipe;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The images tasks train and test on, prepared once per executor JVM for each dataset, input
 * size and image count, and shared read-only by every task there.
 */
final class TrainingData {

    private static final ConcurrentMap<String, ImageBatches> PREPARED = new ConcurrentHashMap<>();

    private TrainingData() {}

    /** The task label rows are keyed by: the dataset's name, or its absolute path. */
    static String task(String dataset) {
        return dataset.equals("fashion-mnist") ? dataset : Path.of(dataset).toAbsolutePath().normalize().toString();
    }

    /** The first {@code images} training images (0 = all) at {@code size} px, standardised by their own statistics. */
    static ImageBatches train(String dataset, int size, int images) {
        return PREPARED.computeIfAbsent(dataset + "|train|" + size + "|" + images, k -> {
            ImageSet set = Datasets.open(dataset).train();
            int n = images == 0 ? set.size() : Math.min(images, set.size());
            return ImageBatches.of(set, n, size, ImageBatches.Normalisation.of(set, n));
        });
    }

    /** The first {@code testImages} test images (0 = all), standardised like {@link #train}'s. */
    static ImageBatches test(String dataset, int size, int trainImages, int testImages) {
        return PREPARED.computeIfAbsent(dataset + "|test|" + size + "|" + trainImages + "|" + testImages, k -> {
            Datasets.Splits splits = Datasets.open(dataset);
            int n = trainImages == 0 ? splits.train().size() : Math.min(trainImages, splits.train().size());
            return ImageBatches.of(splits.test(), testImages, size, ImageBatches.Normalisation.of(splits.train(), n));
        });
    }

    /**
     * Checks on the driver, before any work starts, that the dataset opens and holds a batch.
     *
     * @return the dataset's number of classes
     * @throws IllegalArgumentException naming the dataset and what is wrong with it
     */
    static int check(String dataset, TrainingRecipe recipe) {
        Datasets.Splits splits;
        try {
            splits = Datasets.open(dataset);
        } catch (DatasetFormatException e) {
            throw new IllegalArgumentException("--dataset: " + e.getMessage(), e);
        }
        int used = recipe.usedImages(splits.train().size());
        if (used < recipe.batch()) {
            throw new IllegalArgumentException("--dataset " + dataset + ": " + used + " training images are fewer"
                    + " than one batch of " + recipe.batch() + "; lower --batch or raise --limit-images");
        }
        return splits.train().classes();
    }
}
