package io.nasspark.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads an image folder, one subfolder per class (ImageNet style), resizing every image to a
 * square resolution. Classes are the subfolder names in sorted order; files that are not
 * images ImageIO reads are refused with their name.
 */
public final class ImageFolderReader {

    private ImageFolderReader() {}

    /** The class folders under {@code root}, sorted by name. */
    public static List<Path> classFolders(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException("image folder " + root + " does not exist or is not a directory");
        }
        try (Stream<Path> s = Files.list(root)) {
            List<Path> folders = s.filter(Files::isDirectory).sorted().toList();
            if (folders.isEmpty()) {
                throw new DatasetFormatException(root + " has no class folders (expected one subfolder per class)");
            }
            return folders;
        } catch (IOException e) {
            throw new DatasetFormatException("cannot list " + root + ": " + e.getMessage());
        }
    }

    /** The image files of one class folder, sorted by name. */
    public static List<Path> images(Path classFolder) {
        try (Stream<Path> s = Files.list(classFolder)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new DatasetFormatException("cannot list " + classFolder + ": " + e.getMessage());
        }
    }

    /** Every image under {@code root} at {@code resolution} px, RGB. */
    public static ImageSet read(Path root, int resolution) {
        List<Path> classes = classFolders(root);
        List<List<Path>> files = new ArrayList<>();
        classes.forEach(c -> files.add(images(c)));
        return read(classes, files, resolution);
    }

    /** The given files, {@code files.get(k)} being of class {@code classes.get(k)}. */
    static ImageSet read(List<Path> classes, List<List<Path>> files, int resolution) {
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution must be positive, got " + resolution);
        }
        int total = files.stream().mapToInt(List::size).sum();
        int bytes = 3 * resolution * resolution;
        byte[] pixels = new byte[Math.multiplyExact(total, bytes)];
        int[] labels = new int[total];
        int n = 0;
        for (int k = 0; k < classes.size(); k++) {
            for (Path f : files.get(k)) {
                writeChw(load(f, resolution), pixels, n * bytes, resolution);
                labels[n++] = k;
            }
        }
        String[] names = classes.stream().map(c -> c.getFileName().toString()).toArray(String[]::new);
        return new ImageSet(pixels, labels, 3, resolution, resolution, names);
    }

    private static BufferedImage load(Path f, int resolution) {
        BufferedImage img;
        try {
            img = ImageIO.read(f.toFile());
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read image " + f + ": " + e.getMessage());
        }
        if (img == null) {
            throw new DatasetFormatException(f + " is not an image ImageIO can read (formats: "
                    + String.join(", ", ImageIO.getReaderFormatNames()).toLowerCase(Locale.ROOT) + ")");
        }
        BufferedImage out = new BufferedImage(resolution, resolution, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, resolution, resolution, null);
        g.dispose();
        return out;
    }

    private static void writeChw(BufferedImage img, byte[] pixels, int offset, int r) {
        int plane = r * r;
        for (int y = 0; y < r; y++) {
            for (int x = 0; x < r; x++) {
                int rgb = img.getRGB(x, y);
                int i = offset + y * r + x;
                pixels[i] = (byte) (rgb >> 16);
                pixels[i + plane] = (byte) (rgb >> 8);
                pixels[i + 2 * plane] = (byte) rgb;
            }
        }
    }
}
