package io.nasspark.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CIFAR-10 and CIFAR-100 binary formats: per image one label byte (CIFAR-100: coarse
 * then fine label; the fine label is used) and 3×32×32 bytes, channel-major.
 */
public final class CifarReader {

    static final int IMAGE_BYTES = 3 * 32 * 32;

    private CifarReader() {}

    /**
     * Reads and concatenates batch files.
     *
     * @param cifar100 whether the records carry two label bytes (CIFAR-100)
     * @throws DatasetFormatException naming a file that is missing or whose size is not a whole
     *     number of records
     */
    public static ImageSet read(List<Path> files, boolean cifar100, String[] classNames) {
        int labelBytes = cifar100 ? 2 : 1;
        int record = labelBytes + IMAGE_BYTES;
        long total = 0;
        for (Path f : files) {
            long size = size(f);
            if (size == 0 || size % record != 0) {
                throw new DatasetFormatException(f + " is not a CIFAR-" + (cifar100 ? "100" : "10") + " binary file ("
                        + size + " bytes is not a whole number of " + record + "-byte records)");
            }
            total += size / record;
        }
        byte[] pixels = new byte[Math.toIntExact(total * IMAGE_BYTES)];
        int[] labels = new int[(int) total];
        int n = 0;
        for (Path f : files) {
            byte[] raw = readAll(f);
            for (int off = 0; off < raw.length; off += record, n++) {
                labels[n] = raw[off + labelBytes - 1] & 0xff;
                System.arraycopy(raw, off + labelBytes, pixels, n * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new ImageSet(pixels, labels, 3, 32, 32, classNames);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("dataset file " + f + " does not exist");
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read " + f + ": " + e.getMessage());
        }
    }

    private static byte[] readAll(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read " + f + ": " + e.getMessage());
        }
    }
}
