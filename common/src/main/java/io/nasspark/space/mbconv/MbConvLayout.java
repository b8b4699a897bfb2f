package io.nasspark.space.mbconv;

import java.util.List;

/**
 * The fixed skeleton around the searchable layers: stem, the fixed first MBK3E1 layer, stages
 * of searchable layers, and the head.
 *
 * @param stemChannels filters of the 3x3 stem convolution
 * @param stemStride its stride
 * @param firstChannels output channels of the fixed MBK3E1 layer (stride 1)
 * @param stages the searchable stages; the first layer of each takes the stage's stride
 * @param headChannels filters of the 1x1 convolution before pooling
 * @param inputSize the input resolution the layout was designed for
 */
public record MbConvLayout(
        int stemChannels,
        int stemStride,
        int firstChannels,
        List<Stage> stages,
        int headChannels,
        int inputSize) {

    /** A run of searchable layers with the same output channels. */
    public record Stage(int channels, int repeat, int stride) {}

    /** Table 3.1 at 224 px: five stride-2 steps from 224 to 7. */
    public static final MbConvLayout IMAGENET = new MbConvLayout(
            40, 2, 24,
            List.of(new Stage(32, 4, 2), new Stage(56, 4, 2), new Stage(112, 4, 2),
                    new Stage(128, 4, 1), new Stage(256, 4, 2), new Stage(432, 1, 1)),
            1728, 224);

    /**
     * The same channels and operators for 28-32 px inputs: the stem and the first stage keep
     * stride 1, leaving three stride-2 steps (32 to 4).
     */
    public static final MbConvLayout SMALL = new MbConvLayout(
            40, 1, 24,
            List.of(new Stage(32, 4, 1), new Stage(56, 4, 2), new Stage(112, 4, 2),
                    new Stage(128, 4, 1), new Stage(256, 4, 2), new Stage(432, 1, 1)),
            1728, 32);

    /**
     * A narrow version of {@link #SMALL} for supernet searches that fit on one core: eight
     * searchable layers of 24 to 96 channels and a 320-channel head, for 16-64 px inputs (three
     * stride-2 steps, 16 px to 2).
     */
    public static final MbConvLayout MINI = new MbConvLayout(
            16, 1, 16,
            List.of(new Stage(24, 2, 2), new Stage(40, 2, 2), new Stage(48, 2, 1), new Stage(96, 2, 2)),
            320, 16);

    public MbConvLayout {
        stages = List.copyOf(stages);
    }

    /** Number of searchable layers. */
    public int searchableLayers() {
        return stages.stream().mapToInt(Stage::repeat).sum();
    }
}
