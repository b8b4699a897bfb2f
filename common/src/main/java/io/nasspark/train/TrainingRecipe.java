package io.nasspark.train;

import java.util.Locale;

/**
 * How a candidate is trained. Everything that changes the losses is here and in {@link #label()},
 * which keys the rows the run writes; the thread count is not, since one task's result does not
 * depend on how many other tasks share its executor.
 *
 * @param epochs passes over the training images
 * @param batch images per step; the last partial batch of an epoch is dropped so every batch
 *     has the same size in every epoch (Definition 4.1 compares batch n across epochs)
 * @param images training images used, the first ones of the split (0 = all)
 * @param optimizer {@code sgd} (with momentum) or {@code adam}
 * @param learningRate initial step size
 * @param momentum SGD momentum (ignored by Adam)
 * @param weightDecay L2 penalty on the weights
 * @param schedule {@code cosine} (to zero over the run) or {@code constant}
 * @param shuffle reshuffle the images each epoch from the seed; off when scoring, so batch n
 *     holds the same images in every epoch
 * @param seed initial weights and shuffling, mixed with the candidate id
 */
public record TrainingRecipe(int epochs, int batch, int images, String optimizer, float learningRate,
        float momentum, float weightDecay, String schedule, boolean shuffle, long seed)
        implements java.io.Serializable {

    public TrainingRecipe {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (images < 0) {
            throw new IllegalArgumentException("--limit-images must not be negative, got " + images);
        }
        if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
            throw new IllegalArgumentException("--optimizer must be sgd or adam, got " + optimizer);
        }
        if (!(learningRate > 0) || momentum < 0 || momentum >= 1 || weightDecay < 0) {
            throw new IllegalArgumentException("need --lr > 0, 0 <= --momentum < 1 and --weight-decay >= 0, got "
                    + learningRate + ", " + momentum + ", " + weightDecay);
        }
        if (!schedule.equals("cosine") && !schedule.equals("constant")) {
            throw new IllegalArgumentException("--schedule must be cosine or constant, got " + schedule);
        }
    }

    /** The recipe as a row key, e.g. {@code sgd-lr0.05-m0.9-wd0.0005-cosine-e3-b64-n2000-fixed-s0}. */
    public String label() {
        String opt = optimizer.equals("sgd")
                ? String.format(Locale.ROOT, "sgd-lr%s-m%s", num(learningRate), num(momentum))
                : "adam-lr" + num(learningRate);
        return String.format(Locale.ROOT, "%s-wd%s-%s-e%d-b%d-n%s-%s-s%d", opt, num(weightDecay), schedule, epochs,
                batch, images == 0 ? "all" : Integer.toString(images), shuffle ? "shuffled" : "fixed", seed);
    }

    private static String num(float v) {
        return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Optimizer steps of the whole run over {@code available} images. */
    public int steps(int available) {
        return epochs * batchesPerEpoch(available);
    }

    /** Full batches in one epoch over {@code available} images. */
    public int batchesPerEpoch(int available) {
        return usedImages(available) / batch;
    }

    /** Images of the split the run reads. */
    public int usedImages(int available) {
        return images == 0 ? available : Math.min(images, available);
    }
}
