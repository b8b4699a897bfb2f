package io.nasspark.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the IDX format of MNIST and Fashion-MNIST, gzipped or not. */
public final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /**
     * An image file and its label file as one set.
     *
     * @throws DatasetFormatException naming the file that is missing, short or not IDX
     */
    public static ImageSet read(Path images, Path labels, String[] classNames) {
        try (DataInputStream in = open(images)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new DatasetFormatException(images + " is not an IDX image file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x803)");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] pixels = new byte[Math.multiplyExact(count, rows * cols)];
            in.readFully(pixels);
            int[] label = readLabels(labels, count);
            return new ImageSet(pixels, label, 1, rows, cols, classNames);
        } catch (EOFException e) {
            throw new DatasetFormatException(images + " ends before its header's image count");
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("dataset file " + images + " does not exist");
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read " + images + ": " + e.getMessage());
        }
    }

    private static int[] readLabels(Path labels, int expected) throws IOException {
        try (DataInputStream in = open(labels)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new DatasetFormatException(labels + " is not an IDX label file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x801)");
            }
            int count = in.readInt();
            if (count != expected) {
                throw new DatasetFormatException(labels + " has " + count + " labels for " + expected + " images");
            }
            byte[] raw = new byte[count];
            in.readFully(raw);
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                out[i] = raw[i] & 0xff;
            }
            return out;
        } catch (EOFException e) {
            throw new DatasetFormatException(labels + " ends before its header's label count");
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("dataset file " + labels + " does not exist");
        }
    }

    /** Opens a file, unzipping it when it starts with the gzip magic bytes. */
    static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        InputStream in = b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)) : raw;
        return new DataInputStream(in);
    }
}
