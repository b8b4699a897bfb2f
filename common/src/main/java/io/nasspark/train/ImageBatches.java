package io.nasspark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.nasspark.data.ImageSet;
import io.nasspark.model.EngineConvolutions;
import java.nio.FloatBuffer;

/**
 * Images ready for a network: the first {@code n} of a split, resized to the candidate's input
 * size and standardised per channel, held as one float array so a batch is a slice of it.
 * Built once per executor and shared read-only by the tasks that train on it.
 */
public final class ImageBatches {

    private final float[] pixels;
    private final int[] labels;
    private final int channels;
    private final int size;
    private final int classes;

    private ImageBatches(float[] pixels, int[] labels, int channels, int size, int classes) {
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.size = size;
        this.classes = classes;
    }

    /**
     * Per-channel mean and standard deviation of {@code set}'s first {@code n} images in [0, 1]
     * (all when {@code n} is 0 or more than it holds).
     */
    public record Normalisation(float[] mean, float[] std) {

        public static Normalisation of(ImageSet set, int first) {
            int n = count(set, first);
            int plane = set.height() * set.width();
            double[] sum = new double[set.channels()];
            double[] squares = new double[set.channels()];
            byte[] p = set.pixels();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < set.channels(); c++) {
                    int from = i * set.imageBytes() + c * plane;
                    for (int k = 0; k < plane; k++) {
                        double v = (p[from + k] & 0xff) / 255.0;
                        sum[c] += v;
                        squares[c] += v * v;
                    }
                }
            }
            float[] mean = new float[sum.length];
            float[] std = new float[sum.length];
            double count = (double) n * plane;
            for (int c = 0; c < sum.length; c++) {
                mean[c] = (float) (sum[c] / count);
                std[c] = (float) Math.max(1e-6, Math.sqrt(squares[c] / count - mean[c] * (double) mean[c]));
            }
            return new Normalisation(mean, std);
        }
    }

    /**
     * The first {@code n} images of {@code set} (all when {@code n} is 0 or more than it holds),
     * bilinearly resized to {@code size} px when their size differs.
     */
    public static ImageBatches of(ImageSet set, int n, int size, Normalisation norm) {
        int count = count(set, n);
        int c = set.channels();
        float[] out = new float[count * c * size * size];
        float[] plane = new float[set.height() * set.width()];
        for (int i = 0; i < count; i++) {
            for (int ch = 0; ch < c; ch++) {
                int from = i * set.imageBytes() + ch * plane.length;
                for (int k = 0; k < plane.length; k++) {
                    plane[k] = (set.pixels()[from + k] & 0xff) / 255f;
                }
                int to = (i * c + ch) * size * size;
                resize(plane, set.height(), set.width(), out, to, size);
                for (int k = to; k < to + size * size; k++) {
                    out[k] = (out[k] - norm.mean()[ch]) / norm.std()[ch];
                }
            }
        }
        int[] labels = java.util.Arrays.copyOf(set.labels(), count);
        return new ImageBatches(out, labels, c, size, set.classes());
    }

    /** How many of {@code set}'s images "the first n" means: all when n is 0 or more than it holds. */
    private static int count(ImageSet set, int n) {
        return n == 0 ? set.size() : Math.min(n, set.size());
    }

    /** Bilinear resampling with pixel centres aligned (PyTorch's align_corners=False). */
    private static void resize(float[] in, int h, int w, float[] out, int offset, int size) {
        if (h == size && w == size) {
            System.arraycopy(in, 0, out, offset, in.length);
            return;
        }
        for (int y = 0; y < size; y++) {
            double sy = Math.max(0, (y + 0.5) * h / size - 0.5);
            int y0 = Math.min((int) sy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < size; x++) {
                double sx = Math.max(0, (x + 0.5) * w / size - 0.5);
                int x0 = Math.min((int) sx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double top = in[y0 * w + x0] * (1 - fx) + in[y0 * w + x1] * fx;
                double bottom = in[y1 * w + x0] * (1 - fx) + in[y1 * w + x1] * fx;
                out[offset + y * size + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
    }

    public int size() {
        return labels.length;
    }

    public int classes() {
        return classes;
    }

    public int channels() {
        return channels;
    }

    public int resolution() {
        return size;
    }

    /** Shape of one image with a batch axis of one, to initialise a network. */
    public Shape inputShape() {
        return new Shape(1, channels, size, size);
    }

    /**
     * The images at {@code order[from..to)} as an NCHW array whose memory is laid out channels
     * last (NHWC strides). libtorch's oneDNN convolutions then run on the activations in place;
     * from NCHW memory they reorder every activation and gradient to a blocked or channels-last
     * layout and back, which cost a fifth of a training step (see the README's trainer benchmark).
     * Where the engine's kernels are faulty ({@link EngineConvolutions#kernelsSound}), the array
     * is plain NCHW: the layout the convolution checks cover.
     */
    public NDArray images(NDManager manager, int[] order, int from, int to) {
        int plane = size * size;
        int per = channels * plane;
        float[] batch = new float[(to - from) * per];
        boolean channelsLast = EngineConvolutions.kernelsSound();
        for (int i = from; i < to; i++) {
            int source = order[i] * per;
            int target = (i - from) * per;
            if (channels == 1 || !channelsLast) {
                System.arraycopy(pixels, source, batch, target, per);
                continue;
            }
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < plane; p++) {
                    batch[target + p * channels + c] = pixels[source + c * plane + p];
                }
            }
        }
        if (!channelsLast) {
            return manager.create(FloatBuffer.wrap(batch), new Shape(to - from, channels, size, size));
        }
        return manager.create(FloatBuffer.wrap(batch), new Shape(to - from, size, size, channels))
                .transpose(0, 3, 1, 2);
    }

    /** One-hot labels of {@code order[from..to)}, for the cross-entropy. */
    public NDArray oneHot(NDManager manager, int[] order, int from, int to) {
        float[] hot = new float[(to - from) * classes];
        for (int i = from; i < to; i++) {
            hot[(i - from) * classes + labels[order[i]]] = 1f;
        }
        return manager.create(FloatBuffer.wrap(hot), new Shape(to - from, classes));
    }

    int label(int i) {
        return labels[i];
    }
}
