package io.nasspark.predict;

import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A fitted predictor of one number (latency in ms, accuracy in percent) from a candidate. */
public interface Predictor {

    /** mlp, gnn, lut, gbt or meta-mlp. */
    String kind();

    /** Its settings as {@code key=value} pairs, for the predictors table. */
    String describe();

    /** Predictions for a batch of candidates of {@code space}. */
    double[] predict(SearchSpace space, List<Candidate> batch);

    /** Writes its files into {@code dir}. */
    void save(Path dir) throws IOException;
}
