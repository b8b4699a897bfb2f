package io.nasspark.space;

/**
 * A candidate as a graph for graph predictors: {@code adjacency[i][j] == 1} when node i feeds
 * node j, and one feature row per node (an operator one-hot, possibly with extra columns).
 */
public record GraphEncoding(int[][] adjacency, float[][] features) {

    public int nodes() {
        return adjacency.length;
    }
}
