package io.nasspark.data;

import java.util.Arrays;

/**
 * Labelled images held as unsigned bytes, channel-major per image (CHW), which is how IDX and
 * CIFAR store them and a quarter of the memory of floats.
 *
 * @param pixels {@code size × channels × height × width} bytes
 * @param labels one class index per image
 * @param classNames names of the classes, by index
 */
public record ImageSet(byte[] pixels, int[] labels, int channels, int height, int width, String[] classNames) {

    public ImageSet {
        long perImage = (long) channels * height * width;
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive: " + channels + "x" + height + "x" + width);
        }
        if (perImage * labels.length != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length / (double) perImage
                    + " images of " + channels + "x" + height + "x" + width);
        }
        for (int label : labels) {
            if (label < 0 || label >= classNames.length) {
                throw new IllegalArgumentException("label " + label + " outside the " + classNames.length + " classes");
            }
        }
    }

    /** Images in the set. */
    public int size() {
        return labels.length;
    }

    /** Classes the labels index. */
    public int classes() {
        return classNames.length;
    }

    /** Bytes of one image. */
    public int imageBytes() {
        return channels * height * width;
    }

    /** Image {@code i} as floats in [0, 1], CHW. */
    public float[] image(int i) {
        float[] out = new float[imageBytes()];
        int from = i * imageBytes();
        for (int k = 0; k < out.length; k++) {
            out[k] = (pixels[from + k] & 0xff) / 255f;
        }
        return out;
    }

    /** The images at {@code indices}, in that order, with labels remapped by {@code newLabel}. */
    public ImageSet subset(int[] indices, int[] newLabel, String[] newClassNames) {
        byte[] p = new byte[indices.length * imageBytes()];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * imageBytes(), p, k * imageBytes(), imageBytes());
            l[k] = newLabel[labels[indices[k]]];
        }
        return new ImageSet(p, l, channels, height, width, newClassNames);
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[classes()];
        Arrays.stream(labels).forEach(l -> counts[l]++);
        return counts;
    }
}
