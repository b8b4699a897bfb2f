package io.nasspark.jobs.train;

import io.nasspark.train.TrainingRecipe;
import picocli.CommandLine.Option;

/** The dataset and training recipe options that {@code score} and {@code train-accuracy} share. */
public final class TrainingOptions {

    @Option(names = "--dataset", paramLabel = "NAME|PATH", defaultValue = "fashion-mnist",
            description = "fashion-mnist (Debian's dataset-fashion-mnist), or a directory every executor can read"
                    + " holding IDX or CIFAR binary files (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "0",
            description = "Training epochs (default: the job's).")
    int epochs;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "64",
            description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--limit-images", paramLabel = "N", defaultValue = "-1",
            description = "Train on the first N images of the training split, 0 for all (default: the job's).")
    int limitImages;

    @Option(names = "--optimizer", paramLabel = "sgd|adam", defaultValue = "sgd",
            description = "SGD with momentum, or Adam (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.05",
            description = "Initial learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0.0005",
            description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--schedule", paramLabel = "cosine|constant", defaultValue = "cosine",
            description = "Learning-rate schedule over the run (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the initial weights (mixed with each candidate's id) and of any shuffling"
                    + " (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The recipe, with the job's defaults where the user gave none. */
    public TrainingRecipe recipe(int defaultEpochs, int defaultImages, boolean shuffle) {
        return new TrainingRecipe(epochs == 0 ? defaultEpochs : epochs, batch,
                limitImages < 0 ? defaultImages : limitImages, optimizer, learningRate, momentum, weightDecay,
                schedule, shuffle, seed);
    }

    /** The dataset as named on the command line. */
    public String dataset() {
        return dataset;
    }

    public long seed() {
        return seed;
    }
}
