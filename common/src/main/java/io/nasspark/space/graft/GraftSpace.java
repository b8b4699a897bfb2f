package io.nasspark.space.graft;

import io.nasspark.model.Layer;
import io.nasspark.space.ArchParseException;
import io.nasspark.space.Candidate;
import io.nasspark.space.GeneSpace;
import io.nasspark.space.GraphEncoding;
import io.nasspark.space.SearchSpaces;
import io.nasspark.space.mbconv.MbConvSpace;
import java.util.List;

/**
 * The grafting space of Domino (thesis §5.3.1): one bit per building block of a base network,
 * 1 to keep the block non-linear, 0 to graft it (its inner activations become identities, so
 * linear reparameterization can merge its layers). The readable form and the encoding are the
 * bits in block order, such as {@code 1011}.
 *
 * <p>Its name carries the base: {@code graft:mbconv-small} (every layer MBK3E6, MobileNetV2's
 * choice), {@code graft:mbconv-small:ARCH} for any candidate of that space, the same for
 * {@code mbconv}, {@code graft:resnet-small} (a bottleneck ResNet) and
 * {@code graft:resnet-basic-small} (basic blocks, whose grafted 3x3 pairs do not merge).
 */
public final class GraftSpace extends GeneSpace {

    public static final int VERSION = 1;
    public static final String PREFIX = "graft:";

    private final GraftBase base;
    private final String name;

    public GraftSpace(GraftBase base) {
        super(filled(base.blockNames().size(), 2), filled(base.blockNames().size(), 1), all(base.blockNames().size()));
        this.base = base;
        this.name = PREFIX + base.name();
    }

    /**
     * The space for {@code graft:BASE}.
     *
     * @throws IllegalArgumentException naming the bases known when {@code BASE} is none of them
     */
    public static GraftSpace named(String name) {
        if (!name.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a grafting space: " + name);
        }
        String baseName = name.substring(PREFIX.length());
        for (ResNetBase resnet : List.of(ResNetBase.SMALL, ResNetBase.BASIC_SMALL)) {
            if (baseName.equals(resnet.name())) {
                return new GraftSpace(resnet);
            }
        }
        int colon = baseName.indexOf(':');
        String spaceName = colon < 0 ? baseName : baseName.substring(0, colon);
        if (!spaceName.equals("mbconv") && !spaceName.equals("mbconv-small")) {
            throw new IllegalArgumentException("unknown grafting base '" + baseName + "' (known: resnet-small, resnet-basic-small,"
                    + " mbconv-small, mbconv, or mbconv-small:ARCH / mbconv:ARCH for any candidate)");
        }
        MbConvSpace space = (MbConvSpace) SearchSpaces.byName(spaceName);
        return new GraftSpace(colon < 0 ? MbConvBase.mobileNetV2Like(space)
                : new MbConvBase(space, space.parse(baseName.substring(colon + 1))));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int version() {
        return VERSION;
    }

    public GraftBase base() {
        return base;
    }

    /** The base network itself: every block kept. */
    public Candidate original() {
        return new Candidate(name, filled(genes(), 1));
    }

    /** Blocks grafted in {@code c}. */
    public int grafted(Candidate c) {
        check(c);
        int n = 0;
        for (int g : c.genes()) {
            n += 1 - g;
        }
        return n;
    }

    /** Per block, whether {@code c} keeps it non-linear. */
    public boolean[] keep(Candidate c) {
        check(c);
        boolean[] keep = new boolean[c.length()];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = c.gene(i) == 1;
        }
        return keep;
    }

    @Override
    public String format(Candidate c) {
        return encoding(c);
    }

    @Override
    public Candidate parse(String arch) {
        String bits = arch == null ? "" : arch.strip();
        if (bits.length() != genes()) {
            throw new ArchParseException(name + ": the base has " + genes() + " building blocks, the bit string '"
                    + bits + "' has " + bits.length() + " bits");
        }
        int[] genes = new int[bits.length()];
        for (int i = 0; i < genes.length; i++) {
            char ch = bits.charAt(i);
            if (ch != '0' && ch != '1') {
                throw new ArchParseException(name + ": bit " + (i + 1) + " of '" + bits + "' is '" + ch
                        + "', expected 0 (grafted) or 1 (kept)");
            }
            genes[i] = ch - '0';
        }
        return new Candidate(name, genes);
    }

    @Override
    public String encoding(Candidate c) {
        check(c);
        StringBuilder sb = new StringBuilder(c.length());
        for (int g : c.genes()) {
            sb.append(g);
        }
        return sb.toString();
    }

    /** A chain of the blocks; feature columns: input, output, kept, grafted. */
    @Override
    public GraphEncoding graph(Candidate c) {
        check(c);
        int n = c.length() + 2;
        int[][] adjacency = new int[n][n];
        float[][] features = new float[n][4];
        features[0][0] = 1f;
        features[n - 1][1] = 1f;
        for (int node = 0; node < n - 1; node++) {
            adjacency[node][node + 1] = 1;
        }
        for (int b = 0; b < c.length(); b++) {
            features[b + 1][c.gene(b) == 1 ? 2 : 3] = 1f;
        }
        return new GraphEncoding(adjacency, features);
    }

    @Override
    public Layer network(Candidate c, int inputSize, int classes) {
        return base.network(keep(c), inputSize, classes);
    }

    /** The base's block names, for messages that point at a block. */
    public List<String> blockNames() {
        return base.blockNames();
    }

    /**
     * {@code path} (a {@code LinearMerge} location such as {@code net/7/0/body/2}) with the
     * top-level layer it falls in named, such as {@code MBK5E6 32->56 stride 2 (layer 5)}.
     */
    public String describe(String path) {
        String[] parts = path.split("/");
        List<String> names = base.layerNames();
        if (parts.length < 2 || !parts[1].matches("\\d+") || Integer.parseInt(parts[1]) >= names.size()) {
            return path;
        }
        return names.get(Integer.parseInt(parts[1])) + " at " + path;
    }

    @Override
    public int defaultInputSize() {
        return base.defaultInputSize();
    }

    @Override
    public int defaultClasses() {
        return base.defaultClasses();
    }
}
