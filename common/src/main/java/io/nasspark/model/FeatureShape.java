package io.nasspark.model;

/** Shape of one sample's feature map: channels, height, width. */
public record FeatureShape(int channels, int height, int width) {

    public long elements() {
        return (long) channels * height * width;
    }

    public long pixels() {
        return (long) height * width;
    }

    public static FeatureShape image(int channels, int size) {
        return new FeatureShape(channels, size, size);
    }
}
