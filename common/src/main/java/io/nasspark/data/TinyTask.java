package io.nasspark.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The tiny-task builder of Domino's meta-accuracy predictor (thesis §5.3.3, "ImageNet-tiny"):
 * N classes drawn with a seed, M images per class drawn with the same seed, resized to R px.
 * The same arguments give the same task on any machine.
 *
 * @param classes N
 * @param imagesPerClass M
 * @param resolution R
 * @param seed the draw
 */
public record TinyTask(int classes, int imagesPerClass, int resolution, long seed) implements java.io.Serializable {

    public TinyTask {
        if (classes < 2 || imagesPerClass < 1 || resolution < 1) {
            throw new IllegalArgumentException("a tiny task needs at least 2 classes, 1 image per class and 1 px, got "
                    + this);
        }
    }

    /** A label for tables, e.g. {@code tiny-n10-m50-r32-s7}. */
    public String label() {
        return String.format(Locale.ROOT, "tiny-n%d-m%d-r%d-s%d", classes, imagesPerClass, resolution, seed);
    }

    /** The task drawn from an image folder; only the chosen images are read. */
    public ImageSet fromFolder(Path root) {
        List<Path> all = ImageFolderReader.classFolders(root);
        if (all.size() < classes) {
            throw new DatasetFormatException(root + " has " + all.size() + " class folders; the task needs " + classes);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] chosen = draw(all.size(), classes, rng);
        List<Path> picked = new ArrayList<>();
        List<List<Path>> files = new ArrayList<>();
        for (int c : chosen) {
            List<Path> images = ImageFolderReader.images(all.get(c));
            if (images.size() < imagesPerClass) {
                throw new DatasetFormatException(all.get(c) + " has " + images.size() + " images; the task needs "
                        + imagesPerClass + " per class");
            }
            picked.add(all.get(c));
            files.add(Arrays.stream(draw(images.size(), imagesPerClass, rng)).mapToObj(images::get).toList());
        }
        return ImageFolderReader.read(picked, files, resolution);
    }

    /** The task drawn from a loaded set (its resolution must already be R). */
    public ImageSet from(ImageSet set) {
        if (set.height() != resolution || set.width() != resolution) {
            throw new IllegalArgumentException("images are " + set.height() + "x" + set.width() + ", the task wants "
                    + resolution + " px; resize when reading");
        }
        return pick(set);
    }

    /**
     * The task's training images drawn from a loaded set at the set's own resolution, for a
     * reader that resizes to R later (as training batches do). The images come class after
     * class in turn, so a fixed batch order still mixes the classes.
     */
    public ImageSet pick(ImageSet set) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] chosen = chooseClasses(set, rng);
        List<List<Integer>> byClass = membersByClass(set, chosen);
        int[] indices = new int[classes * imagesPerClass];
        for (int k = 0; k < classes; k++) {
            List<Integer> members = byClass.get(k);
            if (members.size() < imagesPerClass) {
                throw new IllegalArgumentException("class " + set.classNames()[chosen[k]] + " has " + members.size()
                        + " images; the task needs " + imagesPerClass);
            }
            int[] pick = draw(members.size(), imagesPerClass, rng);
            for (int j = 0; j < imagesPerClass; j++) {
                indices[j * classes + k] = members.get(pick[j]); // classes interleaved: any prefix is balanced
            }
        }
        return relabelled(set, indices, chosen);
    }

    /**
     * Every image of the task's classes in {@code set} (a test split), relabelled as in
     * {@link #pick}: the task is judged on all the test images of its classes.
     */
    public ImageSet testImages(ImageSet set) {
        int[] chosen = chooseClasses(set, new SplittableRandom(seed));
        List<List<Integer>> byClass = membersByClass(set, chosen);
        int[] indices = byClass.stream().flatMap(List::stream).mapToInt(Integer::intValue).sorted().toArray();
        return relabelled(set, indices, chosen);
    }

    private int[] chooseClasses(ImageSet set, SplittableRandom rng) {
        if (set.classes() < classes) {
            throw new IllegalArgumentException("the set has " + set.classes() + " classes; the task needs " + classes);
        }
        return draw(set.classes(), classes, rng);
    }

    private static List<List<Integer>> membersByClass(ImageSet set, int[] chosen) {
        int[] newLabel = newLabels(set, chosen);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < chosen.length; k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < set.size(); i++) {
            int k = newLabel[set.labels()[i]];
            if (k >= 0) {
                byClass.get(k).add(i);
            }
        }
        return byClass;
    }

    private static int[] newLabels(ImageSet set, int[] chosen) {
        int[] newLabel = new int[set.classes()];
        Arrays.fill(newLabel, -1);
        for (int k = 0; k < chosen.length; k++) {
            newLabel[chosen[k]] = k;
        }
        return newLabel;
    }

    private static ImageSet relabelled(ImageSet set, int[] indices, int[] chosen) {
        String[] names = new String[chosen.length];
        for (int k = 0; k < chosen.length; k++) {
            names[k] = set.classNames()[chosen[k]];
        }
        return set.subset(indices, newLabels(set, chosen), names);
    }

    /** {@code k} distinct indices of {@code n}, in drawn order (a partial Fisher-Yates shuffle). */
    static int[] draw(int n, int k, SplittableRandom rng) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Arrays.copyOf(a, k);
    }
}
