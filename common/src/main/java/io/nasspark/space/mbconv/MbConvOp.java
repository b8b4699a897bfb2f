package io.nasspark.space.mbconv;

/** The seven choices of a searchable MBConv layer (Table 3.1): kernel x expansion, or skip. */
public enum MbConvOp {
    MBK3E3(3, 3),
    MBK3E6(3, 6),
    MBK5E3(5, 3),
    MBK5E6(5, 6),
    MBK7E3(7, 3),
    MBK7E6(7, 6),
    SKIP(0, 0);

    private final int kernel;
    private final int expansion;

    MbConvOp(int kernel, int expansion) {
        this.kernel = kernel;
        this.expansion = expansion;
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

    /** The token used in readable strings: {@code MBK3E6} or {@code Skip}. */
    public String token() {
        return isSkip() ? "Skip" : name();
    }
}
