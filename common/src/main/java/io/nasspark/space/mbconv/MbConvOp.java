package io.nasspark.space.mbconv;

import java.util.Arrays;
import java.util.List;

/**
 * The choices of a searchable MBConv layer: kernel x expansion, or skip (Table 3.1), and in the
 * hybrid transformable spaces of Double-Win NAS the same blocks made linear.
 *
 * <p>A linear block has no activation inside, so its expand 1x1, depthwise KxK and project 1x1
 * (with their BatchNorms and an identity shortcut) merge into one dense KxK convolution after
 * training; like a grafted block (thesis §5.4.3) it ends in a ReLU6, so two linear blocks in a
 * row do not collapse into one linear map. The linear operators come after {@link #SKIP}, so the
 * genes of the seven standard operators are their ordinals in every space.
 */
public enum MbConvOp {
    MBK3E3(3, 3, false),
    MBK3E6(3, 6, false),
    MBK5E3(5, 3, false),
    MBK5E6(5, 6, false),
    MBK7E3(7, 3, false),
    MBK7E6(7, 6, false),
    SKIP(0, 0, false),
    LMBK3E3(3, 3, true),
    LMBK3E6(3, 6, true),
    LMBK5E3(5, 3, true),
    LMBK5E6(5, 6, true),
    LMBK7E3(7, 3, true),
    LMBK7E6(7, 6, true);

    /** The seven operators of the standard spaces (Table 3.1). */
    public static final List<MbConvOp> STANDARD = Arrays.stream(values()).filter(o -> !o.linear).toList();

    /** The thirteen of a hybrid transformable space: the standard seven and the six linear blocks. */
    public static final List<MbConvOp> HYBRID = List.of(values());

    private final int kernel;
    private final int expansion;
    private final boolean linear;

    MbConvOp(int kernel, int expansion, boolean linear) {
        this.kernel = kernel;
        this.expansion = expansion;
        this.linear = linear;
    }

    public int kernel() {
        return kernel;
    }

    public int expansion() {
        return expansion;
    }

    public boolean isSkip() {
        return this == SKIP;
    }

    /** Whether the block has no activation inside, so it merges into one convolution. */
    public boolean isLinear() {
        return linear;
    }

    /** The operator with this kernel and expansion, linear or not. */
    public static MbConvOp of(int kernel, int expansion, boolean linear) {
        return Arrays.stream(values())
                .filter(o -> !o.isSkip() && o.kernel == kernel && o.expansion == expansion && o.linear == linear)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no operator with kernel " + kernel
                        + " and expansion " + expansion + " (kernels 3, 5, 7; expansions 3, 6)"));
    }

    /** The token used in readable strings: {@code MBK3E6}, {@code LMBK3E6} or {@code Skip}. */
    public String token() {
        return isSkip() ? "Skip" : name();
    }
}
