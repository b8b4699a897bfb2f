package io.nasspark.jobs.cli;

import picocli.CommandLine.Option;

/** Which space a job works in, and the input and classifier its networks are built for. */
public final class NetworkOptions {

    @Option(names = "--space", required = true, paramLabel = "SPACE",
            description = "Search space: nb201, mbconv, mbconv-small, mbconv-mini, their hybrid forms (mbconv-mini-hybrid, …),"
                    + " or graft:BASE (graft:mbconv-small, graft:resnet-small, …).")
    String space;

    @Option(names = "--input-size", paramLabel = "PX", defaultValue = "0",
            description = "Input resolution (default: the space's own).")
    int inputSize;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "0",
            description = "Classifier outputs (default: the space's own).")
    int classes;

    public String space() {
        return space;
    }

    /** The resolution asked for, or 0 for the space's default. */
    public int inputSize() {
        return inputSize;
    }

    /** The class count asked for, or 0 for the space's default. */
    public int classes() {
        return classes;
    }
}
