package io.nasspark.jobs.predict;

import io.nasspark.predict.Predictor;
import io.nasspark.schema.Tables;
import io.nasspark.space.Candidate;
import io.nasspark.space.SearchSpace;
import io.nasspark.space.SearchSpaces;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Predicts for the candidates of a partition in batches. The predictor is loaded once per
 * executor from its files, or comes by broadcast when it is a plain Java object (gbt).
 */
final class PredictFn implements MapPartitionsFunction<Row, Row> {

    private final String predictorId;
    private final String target;
    private final String path;
    /** Whether the predictor reads channel scales: the space encodes them then. */
    private final boolean channelScales;
    private final Broadcast<Predictor> shipped;
    private final int batchSize;
    private final String runId;
    private final Timestamp createdAt;
    private final LongAccumulator done;

    PredictFn(String predictorId, String target, String path, boolean channelScales, Broadcast<Predictor> shipped,
            int batchSize, String runId, Timestamp createdAt, LongAccumulator done) {
        this.predictorId = predictorId;
        this.target = target;
        this.path = path;
        this.channelScales = channelScales;
        this.shipped = shipped;
        this.batchSize = batchSize;
        this.runId = runId;
        this.createdAt = createdAt;
        this.done = done;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> candidates) {
        Predictor predictor = shipped != null ? shipped.value() : StoredPredictor.load(Path.of(path));
        return new Iterator<>() {
            private Iterator<Row> batch = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                if (!batch.hasNext() && candidates.hasNext()) {
                    batch = predictBatch(predictor, candidates).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public Row next() {
                hasNext();
                return batch.next();
            }
        };
    }

    private List<Row> predictBatch(Predictor predictor, Iterator<Row> candidates) {
        List<Row> rows = new ArrayList<>(batchSize);
        while (candidates.hasNext() && rows.size() < batchSize) {
            rows.add(candidates.next());
        }
        SearchSpace space = SearchSpaces.byName(rows.get(0).getAs("space"), channelScales);
        List<Candidate> batch = rows.stream().map(r -> space.parse(r.<String>getAs("arch"))).toList();
        double[] predicted = predictor.predict(space, batch);
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.add(predictionRow(predictorId, r.getAs("id"), r.getAs("input_size"), r.getAs("classes"),
                    space.name(), target, predicted[i], runId, createdAt));
        }
        done.add(rows.size());
        return out;
    }

    /** A row of {@code predictions}. */
    static Row predictionRow(String predictorId, String id, int inputSize, int classes, String space,
            String target, double predicted, String runId, Timestamp createdAt) {
        return Tables.PREDICTIONS.row(Map.of("predictor_id", predictorId, "id", id, "input_size", inputSize,
                "classes", classes, "space", space, "target", target, "predicted", predicted, "run_id", runId,
                "created_at", createdAt));
    }
}
