package io.nasspark.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Datasets by name or path, loaded once per JVM (an executor trains many candidates on one
 * copy). {@code fashion-mnist} is Debian's {@code dataset-fashion-mnist}; a directory with IDX
 * files, CIFAR batch files, or class subfolders is read by what it holds.
 */
public final class Datasets {

    /** Where Debian's dataset-fashion-mnist installs its files. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    static final String[] FASHION_CLASSES = {"t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
        "sneaker", "bag", "ankle-boot"};

    /** A dataset's splits. */
    public record Splits(ImageSet train, ImageSet test) {}

    private static final ConcurrentMap<String, Splits> LOADED = new ConcurrentHashMap<>();

    private Datasets() {}

    /**
     * The dataset called or found at {@code nameOrPath}.
     *
     * @throws DatasetFormatException naming the path and what it lacks
     */
    public static Splits open(String nameOrPath) {
        return LOADED.computeIfAbsent(nameOrPath, Datasets::load);
    }

    private static Splits load(String nameOrPath) {
        if (nameOrPath.equals("fashion-mnist")) {
            if (!Files.isDirectory(FASHION_MNIST)) {
                throw new DatasetFormatException("fashion-mnist is not installed at " + FASHION_MNIST
                        + " (apt-get install dataset-fashion-mnist, or run bin/setup)");
            }
            return idx(FASHION_MNIST, FASHION_CLASSES);
        }
        Path dir = Path.of(nameOrPath);
        if (!Files.isDirectory(dir)) {
            throw new DatasetFormatException("dataset " + nameOrPath + " is neither a known name (fashion-mnist) nor a"
                    + " directory");
        }
        if (Files.exists(dir.resolve("train-images-idx3-ubyte")) || Files.exists(dir.resolve("train-images-idx3-ubyte.gz"))) {
            String[] names = new String[10];
            for (int i = 0; i < 10; i++) {
                names[i] = Integer.toString(i);
            }
            return idx(dir, names);
        }
        if (Files.exists(dir.resolve("data_batch_1.bin"))) {
            String[] names = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
            List<Path> train = List.of(1, 2, 3, 4, 5).stream().map(i -> dir.resolve("data_batch_" + i + ".bin")).toList();
            return new Splits(CifarReader.read(train, false, names),
                    CifarReader.read(List.of(dir.resolve("test_batch.bin")), false, names));
        }
        if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"))) {
            throw new DatasetFormatException(dir + " holds image folders: build a tiny task from "
                    + dir.resolve("train") + " (images need a resolution)");
        }
        throw new DatasetFormatException(dir + " holds no dataset this reader knows (IDX train-images-idx3-ubyte,"
                + " CIFAR data_batch_1.bin, or train/ and test/ image folders)");
    }

    private static Splits idx(Path dir, String[] classes) {
        return new Splits(IdxReader.read(file(dir, "train-images-idx3-ubyte"), file(dir, "train-labels-idx1-ubyte"), classes),
                IdxReader.read(file(dir, "t10k-images-idx3-ubyte"), file(dir, "t10k-labels-idx1-ubyte"), classes));
    }

    private static Path file(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        return Files.exists(gz) ? gz : dir.resolve(name);
    }
}
