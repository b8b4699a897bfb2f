package io.nasspark.jobs.train;

import io.nasspark.data.DatasetFormatException;
import io.nasspark.data.Datasets;
import io.nasspark.data.TinyTask;
import io.nasspark.train.ImageBatches;
import io.nasspark.train.TrainingRecipe;
import io.nasspark.util.FileTrees;
import io.nasspark.util.Hashing;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * The images tasks train and test on, prepared once per executor JVM for each dataset, input
 * size and image count, and shared read-only by every task there.
 */
public final class TrainingData {

    private static final ConcurrentMap<String, ImageBatches> PREPARED = new ConcurrentHashMap<>();
    private static final ConcurrentMap<String, String> FETCHED = new ConcurrentHashMap<>();
    private static final ConcurrentMap<String, ImageBatches.Normalisation> NORMALISATIONS = new ConcurrentHashMap<>();
    private static final ConcurrentMap<String, Datasets.Splits> TINY = new ConcurrentHashMap<>();

    private TrainingData() {}

    /** The task label rows are keyed by: the dataset's name, or its absolute path. */
    public static String task(String dataset) {
        if (dataset.equals("fashion-mnist") || dataset.contains("://")) {
            return dataset;
        }
        return Path.of(dataset).toAbsolutePath().normalize().toString();
    }

    /** The label of a tiny task cut from a dataset, e.g. {@code fashion-mnist/tiny-n5-m100-r16-s1}. */
    static String task(String dataset, TinyTask tiny) {
        return tiny == null ? task(dataset) : task(dataset) + "/" + tiny.label();
    }

    /** The dataset's splits, or a tiny task's: its drawn training images and all test images of its classes. */
    static Datasets.Splits open(String dataset, TinyTask tiny) {
        if (tiny == null) {
            return open(dataset);
        }
        return TINY.computeIfAbsent(task(dataset, tiny), k -> {
            Datasets.Splits all = open(dataset);
            return new Datasets.Splits(tiny.pick(all.train()), tiny.testImages(all.test()));
        });
    }

    /**
     * The dataset opened on this JVM. A URI with a scheme ({@code hdfs://}, {@code s3a://},
     * {@code file://}, anything the Hadoop client reads) is first copied once per JVM to a local
     * directory (keyed by the URI: put a changed dataset under a new path); names and local
     * paths open as they are.
     */
    public static Datasets.Splits open(String dataset) {
        return Datasets.open(FETCHED.computeIfAbsent(dataset, TrainingData::local));
    }

    private static String local(String dataset) {
        if (!dataset.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return dataset;
        }
        try {
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(dataset);
            FileSystem fs = remote.getFileSystem(new Configuration());
            if (!fs.exists(remote)) {
                throw new DatasetFormatException("dataset " + dataset + " does not exist");
            }
            Path cache = Path.of(System.getProperty("java.io.tmpdir"), "nas-datasets",
                    Hashing.id128(dataset));
            if (!Files.isDirectory(cache)) {
                Path partial = Files.createDirectories(cache.getParent())
                        .resolve(cache.getFileName() + "." + UUID.randomUUID());
                fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(partial.toUri()), true);
                try {
                    Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException another) {
                    // Another JVM on this host fetched it first; its copy is the same.
                    FileTrees.delete(partial);
                }
            }
            return cache.toString();
        } catch (IOException e) {
            throw new DatasetFormatException("cannot fetch dataset " + dataset + ": " + e.getMessage());
        }
    }

    /**
     * The first {@code images} training images (0 = all) of the dataset or its tiny task at
     * {@code size} px, standardised by their own statistics.
     */
    static ImageBatches train(String dataset, TinyTask tiny, int size, int images) {
        return PREPARED.computeIfAbsent(task(dataset, tiny) + "|train|" + size + "|" + images,
                k -> ImageBatches.of(open(dataset, tiny).train(), images, size, normalisation(dataset, tiny, images)));
    }

    /** The first {@code testImages} test images (0 = all), standardised like {@link #train}'s. */
    static ImageBatches test(String dataset, TinyTask tiny, int size, int trainImages, int testImages) {
        return PREPARED.computeIfAbsent(task(dataset, tiny) + "|test|" + size + "|" + trainImages + "|" + testImages,
                k -> ImageBatches.of(open(dataset, tiny).test(), testImages, size,
                        normalisation(dataset, tiny, trainImages)));
    }

    /** Statistics of the first {@code trainImages} training images, computed once per JVM for train and test. */
    private static ImageBatches.Normalisation normalisation(String dataset, TinyTask tiny, int trainImages) {
        return NORMALISATIONS.computeIfAbsent(task(dataset, tiny) + "|" + trainImages,
                k -> ImageBatches.Normalisation.of(open(dataset, tiny).train(), trainImages));
    }

    /**
     * Checks on the driver, before any work starts, that the dataset opens and holds a batch.
     *
     * @return the dataset's number of classes
     * @throws IllegalArgumentException naming the dataset and what is wrong with it
     */
    static int check(String dataset, TrainingRecipe recipe) {
        return check(dataset, null, recipe);
    }

    /** {@link #check(String, TrainingRecipe)} for a tiny task cut from the dataset. */
    static int check(String dataset, TinyTask tiny, TrainingRecipe recipe) {
        Datasets.Splits splits;
        try {
            splits = open(dataset, tiny);
        } catch (DatasetFormatException e) {
            throw new IllegalArgumentException("--dataset: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dataset " + dataset + ": " + e.getMessage(), e);
        }
        int used = recipe.usedImages(splits.train().size());
        if (used < recipe.batch()) {
            throw new IllegalArgumentException("--dataset " + dataset + ": " + used + " training images are fewer"
                    + " than one batch of " + recipe.batch() + "; lower --batch or raise --limit-images");
        }
        return splits.train().classes();
    }
}
