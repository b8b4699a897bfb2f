package io.nasspark.jobs.contract;

import picocli.CommandLine.Option;

/** Options every evaluating job shares: how often it commits and whether it retries failures. */
public final class WorkOptions {

    @Option(names = "--retry-failed",
            description = "Evaluate again the candidates whose stored row has status failed, and"
                    + " replace those rows.")
    boolean retryFailed;

    @Option(names = "--commit-every", paramLabel = "N", defaultValue = "0",
            description = "Candidates per commit; a killed job loses at most the batch in flight"
                    + " (default: per core of the cluster, 32 for latency, 2 for training).")
    int commitEvery;

    public boolean retryFailed() {
        return retryFailed;
    }

    /** Candidates per commit, or 0 for the default. */
    public int commitEvery() {
        return commitEvery;
    }

    /** Checks the options. */
    public void validate() {
        if (commitEvery < 0) {
            throw new IllegalArgumentException("--commit-every must be positive, got " + commitEvery);
        }
    }
}
