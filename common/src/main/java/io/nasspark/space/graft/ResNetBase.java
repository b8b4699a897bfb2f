package io.nasspark.space.graft;

import io.nasspark.model.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * A ResNet (He et al. 2016) for small inputs: a 3x3 stride-1 stem, stages of residual blocks,
 * pooling and a classifier. A stage's first block has a 1x1 projection shortcut with BatchNorm
 * when the shape changes.
 *
 * <ul>
 *   <li>Bottleneck blocks: 1x1 reduce, 3x3 (carrying the stride), 1x1 expand, each with
 *       BatchNorm, a ReLU after the first two and one after the sum. Grafted, a block drops its
 *       two inner ReLUs (thesis Fig. 5.1) and merges, shortcut included, into one 3x3.
 *   <li>Basic blocks: 3x3, 3x3, with a ReLU between them and one after the sum. Grafted, the
 *       inner ReLU goes, but two 3x3 kernels in a row do not merge exactly (the second
 *       zero-pads), so linear reparameterization keeps the block as it is and says so.
 * </ul>
 *
 * @param name the base's name
 * @param stemChannels filters of the stem
 * @param stages the stages
 * @param inputSize the resolution it was designed for
 * @param bottleneck bottleneck blocks, else basic blocks
 */
public record ResNetBase(String name, int stemChannels, List<Stage> stages, int inputSize, boolean bottleneck)
        implements GraftBase {

    /**
     * A stage of blocks.
     *
     * @param width channels inside a bottleneck (basic blocks: unused)
     * @param channels output channels (four times the width in ResNet-50)
     * @param blocks blocks in the stage
     * @param stride stride of the stage's first block
     */
    public record Stage(int width, int channels, int blocks, int stride) {}

    /** {@code resnet-small}: three stages of three bottleneck blocks for 32 px, 10 classes. */
    public static final ResNetBase SMALL = new ResNetBase("resnet-small", 32,
            List.of(new Stage(16, 64, 3, 1), new Stage(32, 128, 3, 2), new Stage(64, 256, 3, 2)), 32, true);

    /** {@code resnet-basic-small}: three stages of two basic blocks (ResNet-18's kind) for 32 px. */
    public static final ResNetBase BASIC_SMALL = new ResNetBase("resnet-basic-small", 32,
            List.of(new Stage(32, 32, 2, 1), new Stage(64, 64, 2, 2), new Stage(128, 128, 2, 2)), 32, false);

    public ResNetBase {
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
                names.add((bottleneck ? "bottleneck " + in + "->" + stage.width() + "->" : "basic block " + in + "->")
                        + stage.channels()
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
                net.add(bottleneck ? bottleneck(in, stage, stride, keep[block++]) : basic(in, stage, stride, keep[block++]));
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
        return residual(in, stage, stride, body);
    }

    private static Layer basic(int in, Stage stage, int stride, boolean keep) {
        List<Layer> body = new ArrayList<>();
        body.add(Layer.Conv.of(in, stage.channels(), 3, stride));
        body.add(new Layer.BatchNorm(stage.channels()));
        if (keep) {
            body.add(Layer.Activation.RELU);
        }
        body.add(Layer.Conv.of(stage.channels(), stage.channels(), 3, 1));
        body.add(new Layer.BatchNorm(stage.channels()));
        return residual(in, stage, stride, body);
    }

    private static Layer residual(int in, Stage stage, int stride, List<Layer> body) {
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
