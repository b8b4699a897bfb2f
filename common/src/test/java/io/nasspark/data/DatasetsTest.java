package io.nasspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path tmp;

    @Test
    void fashionMnistFromDebiansPackage() {
        assertTrue(Files.isDirectory(Datasets.FASHION_MNIST), "install dataset-fashion-mnist (bin/setup)");
        Datasets.Splits fm = Datasets.open("fashion-mnist");
        assertEquals(60_000, fm.train().size());
        assertEquals(10_000, fm.test().size());
        assertEquals(28, fm.train().height());
        assertEquals(1, fm.train().channels());
        int[] perClass = new int[10];
        Arrays.fill(perClass, 6_000);
        assertArrayEquals(perClass, fm.train().classCounts());
        assertEquals("ankle-boot", fm.train().classNames()[fm.train().labels()[0]], "the set's first image");
        assertTrue(fm == Datasets.open("fashion-mnist"), "loaded once per JVM");

        TinyTask task = new TinyTask(3, 5, 28, 7);
        ImageSet tiny = task.from(fm.train());
        assertEquals(15, tiny.size());
        assertArrayEquals(new int[] {5, 5, 5}, tiny.classCounts());
        assertArrayEquals(tiny.pixels(), task.from(fm.train()).pixels(), "same seed, same task");
        assertTrue(!Arrays.equals(tiny.pixels(), new TinyTask(3, 5, 28, 8).from(fm.train()).pixels()));
    }

    @Test
    void idxFilesThatAreNotWhatTheyClaimAreNamed() throws Exception {
        Path images = tmp.resolve("images");
        Path labels = tmp.resolve("labels");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(images))) {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(2);
            out.writeInt(2);
            out.writeInt(2);
            out.write(new byte[] {0, 1, 2, 3, 4, 5, 6, (byte) 255});
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(labels))) {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(2);
            out.write(new byte[] {1, 0});
        }
        ImageSet s = IdxReader.read(images, labels, new String[] {"a", "b"});
        assertArrayEquals(new int[] {1, 0}, s.labels());
        assertEquals(1f, s.image(1)[3]);

        DatasetFormatException swapped = assertThrows(DatasetFormatException.class,
                () -> IdxReader.read(labels, images, new String[] {"a", "b"}));
        assertTrue(swapped.getMessage().startsWith(labels + " is not an IDX image file"), swapped.getMessage());
        Files.write(tmp.resolve("short"), Arrays.copyOf(Files.readAllBytes(images), 18));
        DatasetFormatException shortFile = assertThrows(DatasetFormatException.class,
                () -> IdxReader.read(tmp.resolve("short"), labels, new String[] {"a", "b"}));
        assertTrue(shortFile.getMessage().contains("ends before"), shortFile.getMessage());
        DatasetFormatException missing = assertThrows(DatasetFormatException.class,
                () -> Datasets.open(tmp.resolve("nowhere").toString()));
        assertTrue(missing.getMessage().contains("nowhere"), missing.getMessage());
    }

    @Test
    void cifarRecordsCarryTheirLabelAndChannelMajorPixels() throws Exception {
        byte[] two = new byte[2 * (1 + CifarReader.IMAGE_BYTES)];
        two[0] = 7;
        two[1] = (byte) 200; // first pixel, red plane
        two[1 + CifarReader.IMAGE_BYTES] = 3;
        Path f = tmp.resolve("data_batch_1.bin");
        Files.write(f, two);
        String[] names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
        ImageSet s = CifarReader.read(List.of(f), false, names);
        assertArrayEquals(new int[] {7, 3}, s.labels());
        assertEquals(200 / 255f, s.image(0)[0], 1e-6);
        Files.write(tmp.resolve("bad.bin"), new byte[100]);
        DatasetFormatException bad = assertThrows(DatasetFormatException.class,
                () -> CifarReader.read(List.of(tmp.resolve("bad.bin")), false, names));
        assertTrue(bad.getMessage().contains("bad.bin is not a CIFAR-10 binary file"), bad.getMessage());
    }

    @Test
    void imageFoldersGiveATinyTaskReproducibly() throws Exception {
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE};
        String[] names = {"cat", "dog", "fox"};
        for (int c = 0; c < 3; c++) {
            Path dir = Files.createDirectories(tmp.resolve("folder").resolve(names[c]));
            for (int i = 0; i < 4; i++) {
                BufferedImage img = new BufferedImage(20 + i, 10, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(colors[c]);
                g.fillRect(0, 0, 20 + i, 10);
                g.dispose();
                ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
            }
        }
        ImageSet all = ImageFolderReader.read(tmp.resolve("folder"), 8);
        assertEquals(12, all.size());
        assertArrayEquals(names, all.classNames());
        float[] firstDog = all.image(4);
        assertEquals(0f, firstDog[0], 1e-6, "red plane");
        assertEquals(1f, firstDog[64], 1e-6, "green plane");

        TinyTask task = new TinyTask(2, 3, 8, 42);
        ImageSet tiny = task.fromFolder(tmp.resolve("folder"));
        assertEquals(6, tiny.size());
        assertArrayEquals(tiny.classNames(), task.fromFolder(tmp.resolve("folder")).classNames());
        assertEquals("tiny-n2-m3-r8-s42", task.label());

        Files.writeString(tmp.resolve("folder/cat/notes.txt"), "not an image");
        DatasetFormatException notImage = assertThrows(DatasetFormatException.class,
                () -> ImageFolderReader.read(tmp.resolve("folder"), 8));
        assertTrue(notImage.getMessage().contains("notes.txt is not an image"), notImage.getMessage());
        DatasetFormatException tooFew = assertThrows(DatasetFormatException.class,
                () -> new TinyTask(2, 9, 8, 1).fromFolder(tmp.resolve("folder")));
        assertTrue(tooFew.getMessage().contains("the task needs 9 per class"), tooFew.getMessage());
    }
}
