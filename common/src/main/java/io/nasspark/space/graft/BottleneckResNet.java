package io.nasspark.space.graft;

import io.nasspark.model.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * A ResNet of bottleneck blocks (He et al. 2016): 1x1 reduce, 3x3 (carrying the stage's
 * stride), 1x1 expand, each followed by BatchNorm, a ReLU after the first two and one after the
 * residual sum. A stage's first block has a 1x1 projection shortcut with BatchNorm. Grafting a
 * block drops its two inner ReLUs (thesis Fig. 5.1), so the whole block, shortcut included,
 * merges into one 3x3 convolution.
 *
 * @param name the base's name
 * @param stemChannels filters of the 3x3 stride-1 stem
 * @param stages the bottleneck stages
 * @param inputSize the resolution it was designed for
 */
public record BottleneckResNet(String name, int stemChannels, List<Stage> stages, int inputSize)
        implements GraftBase {

    /**
     * A stage of bottleneck blocks.
     *
     * @param width channels inside the bottleneck
     * @param channels output channels (four times the width in ResNet-50)
     * @param blocks blocks in the stage
     * @param stride stride of the stage's first block
     */
    public record Stage(int width, int channels, int blocks, int stride) {}

    /** {@code resnet-small}: three stages of three bottleneck blocks for 32 px, 10 classes. */
    public static final BottleneckResNet SMALL = new BottleneckResNet("resnet-small", 32,
            List.of(new Stage(16, 64, 3, 1), new Stage(32, 128, 3, 2), new Stage(64, 256, 3, 2)), 32);

    public BottleneckResNet {
        stages = List.copyOf(stages);
    }

    @Override
    public List<String> blockNames() {
        List<String> names = new ArrayList<>();
        int in = stemChannels;
        for (int s = 0; s < stages.size(); s++) {
            Stage stage = stages.get(s);
            for (int b = 0; b < stage.blocks(); b++) {
                int stride = b == 0 ? stage.stride() : 1;
                names.add("bottleneck " + in + "->" + stage.width() + "->" + stage.channels()
                        + (stride > 1 ? " stride " + stride : "") + " (stage " + (s + 1) + ", block " + (b + 1) + ")");
                in = stage.channels();
            }
        }
        return names;
    }

    @Override
    public List<String> layerNames() {
        List<String> names = new ArrayList<>(List.of("stem convolution", "stem BatchNorm", "stem ReLU"));
        names.addAll(blockNames());
        names.addAll(List.of("pooling", "classifier"));
        return names;
    }

    @Override
    public Layer network(boolean[] keep, int inputSize, int classes) {
        List<Layer> net = new ArrayList<>();
        net.add(Layer.Conv.of(3, stemChannels, 3, 1));
        net.add(new Layer.BatchNorm(stemChannels));
        net.add(Layer.Activation.RELU);
        int in = stemChannels;
        int block = 0;
        for (Stage stage : stages) {
            for (int b = 0; b < stage.blocks(); b++) {
                int stride = b == 0 ? stage.stride() : 1;
                net.add(bottleneck(in, stage, stride, keep[block++]));
                in = stage.channels();
            }
        }
        net.add(new Layer.GlobalAvgPool());
        net.add(new Layer.Linear(in, classes));
        return new Layer.Sequence(net);
    }

    private static Layer bottleneck(int in, Stage stage, int stride, boolean keep) {
        List<Layer> body = new ArrayList<>();
        body.add(Layer.Conv.of(in, stage.width(), 1, 1));
        body.add(new Layer.BatchNorm(stage.width()));
        if (keep) {
            body.add(Layer.Activation.RELU);
        }
        body.add(Layer.Conv.of(stage.width(), stage.width(), 3, stride));
        body.add(new Layer.BatchNorm(stage.width()));
        if (keep) {
            body.add(Layer.Activation.RELU);
        }
        body.add(Layer.Conv.of(stage.width(), stage.channels(), 1, 1));
        body.add(new Layer.BatchNorm(stage.channels()));
        Layer shortcut = stride == 1 && in == stage.channels() ? new Layer.Identity()
                : Layer.Sequence.of(Layer.Conv.of(in, stage.channels(), 1, stride), new Layer.BatchNorm(stage.channels()));
        return Layer.Sequence.of(new Layer.Residual(new Layer.Sequence(body), shortcut), Layer.Activation.RELU);
    }

    @Override
    public int defaultInputSize() {
        return inputSize;
    }

    @Override
    public int defaultClasses() {
        return 10;
    }
}
